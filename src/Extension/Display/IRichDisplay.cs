namespace TtLora.Extension.Display;

/// <summary>
/// A value that renders itself into more mime types than text: rich hosts (the notebook kernel) call it,
/// the terminal never does. Text types map to strings; JSON types (e.g. application/vnd.plotly.v1+json) to JsonNode.
/// </summary>
public interface IRichDisplay
{
    void AddTo(IDictionary<string, object> bundle);
}

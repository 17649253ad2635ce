namespace TtLora.Core.Data;

/// <summary>
/// One classification example: the flattened input text and the label's index into the task's label names.
/// <paramref name="SourceId"/> names the document the text came from (several passages can share one), which is
/// what keeps all passages of a document in the same split.
/// </summary>
public sealed record LabelledExample(string Id, string Text, int Label, string? SourceId = null)
{
    /// <summary>The document this example belongs to: <see cref="SourceId"/>, or the example's own id.</summary>
    public string DocumentId => SourceId ?? Id;
}

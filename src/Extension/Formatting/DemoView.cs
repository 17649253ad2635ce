using TtLora.Extension.Results;

namespace TtLora.Extension.Formatting;

/// <summary>HTML for <see cref="DemoResult"/>: the steps, then each step's own view in one output.</summary>
public static class DemoView
{
    public static string ToHtml(DemoResult result)
    {
        var output = new HtmlOutput();
        output.Add("<ol class=\"ttl-steps\">" + string.Concat(result.Steps.Select(s => $"<li>{Html.Encode(s)}</li>")) + "</ol>");
        output.AddHeading("model");
        ModelInfoView.AppendTo(output, result.Model);
        output.AddHeading("prompt tokens");
        TokenizeView.AppendTo(output, result.Prompt);
        output.AddHeading("greedy continuation");
        output.AddText("The weights are random, so the text is too.", muted: true);
        GenerateView.AppendTo(output, result.Generation);
        return output.ToString();
    }
}

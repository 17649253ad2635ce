using System.Globalization;
using TtLora.Extension.Results;

namespace TtLora.Extension.Formatting;

/// <summary>
/// HTML for <see cref="GenerateResult"/>: the prompt followed by the highlighted continuation (when text is known),
/// then the ids, prompt ids dimmed and generated ids highlighted.
/// </summary>
public static class GenerateView
{
    public static string ToHtml(GenerateResult result) => AppendTo(new HtmlOutput(), result).ToString();

    internal static HtmlOutput AppendTo(HtmlOutput output, GenerateResult result)
    {
        if (result.Text is not null)
            output.Add("<div class=\"ttl-text\">" + Html.Encode(result.PromptText ?? "")
                + "<span class=\"ttl-new\" title=\"generated\">" + Html.Encode(result.Text) + "</span></div>");
        output.AddText($"{result.PromptIds.Count} prompt ids, {result.GeneratedIds.Count} generated", muted: true);
        var chips = result.PromptIds.Select((id, i) => new Chip(Id(id), Highlight: Highlight.Muted, Tooltip: $"prompt position {i}"))
            .Concat(result.GeneratedIds.Select((id, i) => new Chip(Id(id), Highlight: Highlight.Best, Tooltip: $"generated token {i + 1}")));
        return output.Add(ChipList.ToHtml(chips));
    }

    static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}

using System.Text;

namespace TtLora.Extension.Formatting;

/// <summary>One chip: a label (whitespace made visible), a small caption under it (e.g. a token id), a highlight and a tooltip.</summary>
public sealed record Chip(string Label, string? Caption = null, Highlight Highlight = Highlight.None, string? Tooltip = null);

/// <summary>Chips in a wrapping row, e.g. tokens with their ids underneath.</summary>
public static class ChipList
{
    public static string ToHtml(IEnumerable<Chip> chips)
    {
        var s = new StringBuilder("<div class=\"ttl-chips\">");
        foreach (var chip in chips)
        {
            s.Append("<span class=\"ttl-chip");
            if (HighlightClasses.ClassOf(chip.Highlight) is { } hl) s.Append(' ').Append(hl);
            s.Append('"');
            if (chip.Tooltip is not null) s.Append(" title=\"").Append(Html.Encode(chip.Tooltip)).Append('"');
            s.Append("><span class=\"ttl-chip-label\">").Append(VisibleText.ToHtml(chip.Label)).Append("</span>");
            if (chip.Caption is not null) s.Append("<span class=\"ttl-chip-caption\">").Append(Html.Encode(chip.Caption)).Append("</span>");
            s.Append("</span>");
        }
        return s.Append("</div>").ToString();
    }
}

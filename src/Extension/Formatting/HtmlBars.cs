using System.Globalization;
using System.Text;
using TtLora.Core;

namespace TtLora.Extension.Formatting;

/// <summary>
/// Horizontal bars drawn with plain elements (no script): label, bar, value. Suits small score lists such as a
/// router's probabilities, with the chosen entry highlighted.
/// </summary>
public static class HtmlBars
{
    public static string ToHtml(IReadOnlyList<string> labels, IReadOnlyList<double> values, int? highlight = null, string? format = null)
    {
        if (labels.Count != values.Count) throw new TtLoraException($"HtmlBars: {labels.Count} labels for {values.Count} values; give one label per value.");
        double max = values.Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max();
        var s = new StringBuilder("<div class=\"ttl-bars\">");
        for (int i = 0; i < values.Count; i++)
        {
            string cls = i == highlight ? " class=\"hl-chosen\"" : "";
            double width = max > 0 && double.IsFinite(values[i]) ? 100 * Math.Abs(values[i]) / max : 0;
            string text = format is null ? Html.Number(values[i]) : values[i].ToString(format, CultureInfo.InvariantCulture);
            s.Append($"<div{cls}>").Append(Html.Encode(labels[i])).Append("</div>");
            s.Append($"<div{cls}><div class=\"ttl-bar-track\"><div class=\"ttl-bar\" style=\"width:{width.ToString("0.##", CultureInfo.InvariantCulture)}%\"></div></div></div>");
            s.Append($"<div{cls}>").Append(Html.Encode(text)).Append("</div>");
        }
        return s.Append("</div>").ToString();
    }
}

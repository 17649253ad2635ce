using System.Globalization;
using System.Text;
using TtLora.Core;

namespace TtLora.Extension.Formatting;

/// <summary>
/// A heatmap as a plain table whose cell shading follows the value (no script needed), e.g. a routing confusion
/// matrix. Marked cells get the <see cref="Highlight.Chosen"/> outline.
/// </summary>
public static class HtmlHeatmap
{
    public static string ToHtml(double[,] values, IReadOnlyList<string> columnLabels, IReadOnlyList<string> rowLabels,
        string? caption = null, string? format = null, IEnumerable<(int Row, int Column)>? marked = null)
    {
        int rows = values.GetLength(0), columns = values.GetLength(1);
        if (columnLabels.Count != columns) throw new TtLoraException($"HtmlHeatmap '{caption}': {columnLabels.Count} column labels for {columns} columns; give one label per column.");
        if (rowLabels.Count != rows) throw new TtLoraException($"HtmlHeatmap '{caption}': {rowLabels.Count} row labels for {rows} rows; give one label per row.");
        var marks = new HashSet<(int, int)>(marked ?? []);

        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in values)
            if (double.IsFinite(v)) { min = Math.Min(min, v); max = Math.Max(max, v); }

        var s = new StringBuilder("<table class=\"ttl-table ttl-heat\">");
        if (caption is not null) s.Append("<caption>").Append(Html.Encode(caption)).Append("</caption>");
        s.Append("<thead><tr><th></th>");
        foreach (var label in columnLabels) s.Append("<th>").Append(Html.Encode(label)).Append("</th>");
        s.Append("</tr></thead><tbody>");
        for (int r = 0; r < rows; r++)
        {
            s.Append("<tr><th>").Append(Html.Encode(rowLabels[r])).Append("</th>");
            for (int c = 0; c < columns; c++)
            {
                double v = values[r, c];
                // Translucent blue whose strength is the value's position in [min, max]: readable on light and dark pages.
                double t = double.IsFinite(v) && max > min ? (v - min) / (max - min) : double.IsFinite(v) ? 1 : 0;
                string alpha = (0.06 + 0.74 * t).ToString("0.###", CultureInfo.InvariantCulture);
                s.Append("<td");
                if (marks.Contains((r, c))) s.Append(" class=\"hl-chosen\"");
                s.Append($" style=\"background:rgba(31,119,180,{alpha})\">");
                s.Append(Html.Encode(format is null ? Html.Number(v) : v.ToString(format, CultureInfo.InvariantCulture))).Append("</td>");
            }
            s.Append("</tr>");
        }
        return s.Append("</tbody></table>").ToString();
    }
}

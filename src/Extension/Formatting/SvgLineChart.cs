using System.Globalization;
using System.Text;
using TtLora.Core;

namespace TtLora.Extension.Formatting;

/// <summary>
/// A small static line chart as inline SVG: a few kilobytes and no script, so it suits outputs that are replaced
/// often (live training progress) where re-sending plotly.js each time would be wasteful.
/// </summary>
public static class SvgLineChart
{
    public static string ToHtml(string title, IReadOnlyList<double> x, IReadOnlyList<double> y, int width = 320, int height = 150, string color = "#1f77b4")
    {
        if (x.Count != y.Count) throw new TtLoraException($"SvgLineChart '{title}': {x.Count} x values and {y.Count} y values; they must pair up.");
        const int left = 48, right = 8, top = 18, bottom = 18;
        var points = Enumerable.Range(0, x.Count).Where(i => double.IsFinite(x[i]) && double.IsFinite(y[i])).Select(i => (X: x[i], Y: y[i])).ToList();

        var s = new StringBuilder();
        s.Append($"<svg class=\"ttl-svg\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\">");
        s.Append("<title>").Append(Html.Encode(title)).Append("</title>");
        s.Append($"<text x=\"{left}\" y=\"12\" font-weight=\"600\">").Append(Html.Encode(title)).Append("</text>");
        s.Append($"<rect x=\"{left}\" y=\"{top}\" width=\"{width - left - right}\" height=\"{height - top - bottom}\" fill=\"none\" stroke=\"rgba(128,128,128,.45)\"/>");
        if (points.Count > 0)
        {
            double x0 = points.Min(p => p.X), x1 = points.Max(p => p.X), y0 = points.Min(p => p.Y), y1 = points.Max(p => p.Y);
            // A flat series still needs a span to be drawn mid-height rather than divided by zero.
            if (x1 == x0) { x0 -= 1; x1 += 1; }
            if (y1 == y0) { y0 -= Math.Max(1e-9, Math.Abs(y0) * 0.05); y1 += Math.Max(1e-9, Math.Abs(y1) * 0.05); }
            double plotWidth = width - left - right, plotHeight = height - top - bottom;
            string Px(double v) => (left + (v - x0) / (x1 - x0) * plotWidth).ToString("0.#", CultureInfo.InvariantCulture);
            string Py(double v) => (top + (y1 - v) / (y1 - y0) * plotHeight).ToString("0.#", CultureInfo.InvariantCulture);
            s.Append($"<polyline fill=\"none\" stroke=\"{Html.Encode(color)}\" stroke-width=\"1.5\" points=\"");
            s.AppendJoin(' ', points.Select(p => $"{Px(p.X)},{Py(p.Y)}"));
            s.Append("\"/>");
            s.Append($"<text x=\"{left - 4}\" y=\"{top + 8}\" text-anchor=\"end\">").Append(Html.Encode(Html.Number(Round(y1)))).Append("</text>");
            s.Append($"<text x=\"{left - 4}\" y=\"{height - bottom}\" text-anchor=\"end\">").Append(Html.Encode(Html.Number(Round(y0)))).Append("</text>");
            s.Append($"<text x=\"{left}\" y=\"{height - 4}\">").Append(Html.Encode(Html.Number(Round(x0)))).Append("</text>");
            s.Append($"<text x=\"{width - right}\" y=\"{height - 4}\" text-anchor=\"end\">").Append(Html.Encode(Html.Number(Round(x1)))).Append("</text>");
        }
        return s.Append("</svg>").ToString();
    }

    static double Round(double v) => double.Parse(v.ToString("G4", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}

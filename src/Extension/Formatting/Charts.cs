using System.Text.Json.Nodes;
using TtLora.Core;

namespace TtLora.Extension.Formatting;

/// <summary>
/// Chart builders over plain arrays, each returning a <see cref="PlotlyFigure"/>: heatmaps (TT-core unfoldings,
/// router scores, confusion matrices), bars (singular values, router scores with the chosen expert marked),
/// grouped bars (per-task accuracy of several methods) and lines (training curves).
/// Inputs are checked: mismatched lengths raise a <see cref="TtLoraException"/> naming the argument.
/// </summary>
public static class Charts
{
    /// <summary>Orange for highlighted bars and marked cells; readable on light and dark themes.</summary>
    public const string HighlightColor = "#ff8c00";
    /// <summary>The colour of ordinary bars (Plotly's first default colour).</summary>
    public const string BarColor = "#1f77b4";

    /// <summary>
    /// A heatmap of <paramref name="z"/> (rows by columns) with row 0 at the top, as a matrix is read.
    /// <paramref name="x"/> labels the columns and <paramref name="y"/> the rows; <paramref name="marked"/> cells get an outline
    /// (e.g. the chosen expert per input, or the diagonal of a confusion matrix); <paramref name="showValues"/> prints each value.
    /// </summary>
    public static PlotlyFigure Heatmap(double[,] z, IReadOnlyList<string> x, IReadOnlyList<string> y, string title,
        string? xTitle = null, string? yTitle = null, bool showValues = false, IEnumerable<(int Row, int Column)>? marked = null,
        string colorScale = "Viridis", double? zMin = null, double? zMax = null)
    {
        int rows = z.GetLength(0), columns = z.GetLength(1);
        if (x.Count != columns) throw new TtLoraException($"Charts.Heatmap '{title}': {x.Count} column labels (x) for {columns} columns of z; give one label per column.");
        if (y.Count != rows) throw new TtLoraException($"Charts.Heatmap '{title}': {y.Count} row labels (y) for {rows} rows of z; give one label per row.");
        RequireUnique(x, "Charts.Heatmap", title, "column labels (x)");
        RequireUnique(y, "Charts.Heatmap", title, "row labels (y)");

        var zRows = new JsonArray();
        for (int r = 0; r < rows; r++)
            zRows.Add(PlotlyJson.Numbers(Enumerable.Range(0, columns).Select(c => z[r, c])));
        var trace = new JsonObject
        {
            ["type"] = "heatmap",
            ["z"] = zRows,
            ["x"] = PlotlyJson.Strings(x),
            ["y"] = PlotlyJson.Strings(y),
            ["colorscale"] = colorScale,
            ["hoverongaps"] = false,
        };
        if (zMin is { } lo) trace["zmin"] = lo;
        if (zMax is { } hi) trace["zmax"] = hi;
        if (showValues) trace["texttemplate"] = "%{z:.3~g}";

        // Height follows the row count so labels stay legible, within sensible bounds.
        var layout = PlotlyJson.Layout(title, Math.Clamp(120 + 26 * rows, 300, 900), xTitle, yTitle);
        // Categorical axes keep label order and let marks address cells by index.
        layout["xaxis"]!["type"] = "category";
        layout["yaxis"]!["type"] = "category";
        layout["yaxis"]!["autorange"] = "reversed";
        var shapes = new JsonArray();
        foreach (var (row, column) in marked ?? [])
        {
            if ((uint)row >= (uint)rows || (uint)column >= (uint)columns)
                throw new TtLoraException($"Charts.Heatmap '{title}': marked cell ({row}, {column}) is outside the {rows}x{columns} matrix.");
            shapes.Add(new JsonObject
            {
                ["type"] = "rect",
                ["xref"] = "x", ["yref"] = "y",
                ["x0"] = column - 0.5, ["x1"] = column + 0.5,
                ["y0"] = row - 0.5, ["y1"] = row + 0.5,
                ["line"] = new JsonObject { ["color"] = HighlightColor, ["width"] = 3 },
            });
        }
        if (shapes.Count > 0) layout["shapes"] = shapes;
        return new PlotlyFigure([trace], layout);
    }

    /// <summary>
    /// One bar per label. <paramref name="highlight"/> colours one bar differently (e.g. the expert the router chose);
    /// <paramref name="horizontal"/> lays the bars out left to right, which suits long labels.
    /// </summary>
    public static PlotlyFigure Bars(IReadOnlyList<string> labels, IReadOnlyList<double> values, string title,
        int? highlight = null, string? xTitle = null, string? yTitle = null, bool horizontal = false, bool logScale = false)
    {
        if (labels.Count != values.Count) throw new TtLoraException($"Charts.Bars '{title}': {labels.Count} labels for {values.Count} values; give one label per value.");
        RequireUnique(labels, "Charts.Bars", title, "labels");
        if (highlight is { } h && (uint)h >= (uint)values.Count) throw new TtLoraException($"Charts.Bars '{title}': highlight index {h} is outside 0..{values.Count - 1}.");

        var colors = PlotlyJson.Strings(Enumerable.Range(0, values.Count).Select(i => i == highlight ? HighlightColor : BarColor));
        var trace = new JsonObject
        {
            ["type"] = "bar",
            ["x"] = horizontal ? PlotlyJson.Numbers(values) : PlotlyJson.Strings(labels),
            ["y"] = horizontal ? PlotlyJson.Strings(labels) : PlotlyJson.Numbers(values),
            ["marker"] = new JsonObject { ["color"] = colors },
        };
        if (horizontal) trace["orientation"] = "h";
        int height = horizontal ? Math.Clamp(120 + 24 * values.Count, 260, 900) : 380;
        var layout = PlotlyJson.Layout(title, height, xTitle, yTitle);
        // Categories in the given order (top to bottom when horizontal), never re-sorted by Plotly.
        var categoryAxis = layout[horizontal ? "yaxis" : "xaxis"]!;
        categoryAxis["type"] = "category";
        if (horizontal) categoryAxis["autorange"] = "reversed";
        if (logScale) layout[horizontal ? "xaxis" : "yaxis"]!["type"] = "log";
        return new PlotlyFigure([trace], layout);
    }

    /// <summary>Several series of bars side by side per category (e.g. accuracy per task for each method).</summary>
    public static PlotlyFigure GroupedBars(IReadOnlyList<string> categories, IReadOnlyList<BarSeries> series, string title,
        string? xTitle = null, string? yTitle = null)
    {
        RequireUnique(categories, "Charts.GroupedBars", title, "categories");
        var data = new JsonArray();
        foreach (var s in series)
        {
            if (s.Values.Count != categories.Count)
                throw new TtLoraException($"Charts.GroupedBars '{title}': series '{s.Name}' has {s.Values.Count} values for {categories.Count} categories; give one value per category.");
            data.Add(new JsonObject
            {
                ["type"] = "bar",
                ["name"] = s.Name,
                ["x"] = PlotlyJson.Strings(categories),
                ["y"] = PlotlyJson.Numbers(s.Values),
            });
        }
        var layout = PlotlyJson.Layout(title, 400, xTitle, yTitle);
        layout["barmode"] = "group";
        layout["xaxis"]!["type"] = "category";
        return new PlotlyFigure(data, layout);
    }

    /// <summary>
    /// Lines of y against x (e.g. loss and accuracy against step). Series marked <see cref="LineSeries.SecondaryAxis"/>
    /// use a right-hand axis titled <paramref name="y2Title"/>, so a loss and an accuracy can share one chart.
    /// </summary>
    public static PlotlyFigure Lines(IReadOnlyList<LineSeries> series, string title,
        string? xTitle = null, string? yTitle = null, string? y2Title = null, bool logScale = false)
    {
        var data = new JsonArray();
        foreach (var s in series)
        {
            if (s.X.Count != s.Y.Count)
                throw new TtLoraException($"Charts.Lines '{title}': series '{s.Name}' has {s.X.Count} x values and {s.Y.Count} y values; they must pair up.");
            var trace = new JsonObject
            {
                ["type"] = "scatter",
                ["mode"] = s.X.Count == 1 ? "markers" : "lines",
                ["name"] = s.Name,
                ["x"] = PlotlyJson.Numbers(s.X),
                ["y"] = PlotlyJson.Numbers(s.Y),
            };
            if (s.SecondaryAxis) trace["yaxis"] = "y2";
            data.Add(trace);
        }
        var layout = PlotlyJson.Layout(title, 380, xTitle, yTitle);
        if (logScale) layout["yaxis"]!["type"] = "log";
        if (series.Any(s => s.SecondaryAxis))
        {
            var y2 = PlotlyJson.Axis(y2Title);
            y2["overlaying"] = "y";
            y2["side"] = "right";
            y2["showgrid"] = false;
            layout["yaxis2"] = y2;
        }
        layout["legend"] = new JsonObject { ["orientation"] = "h", ["y"] = -0.2 };
        return new PlotlyFigure(data, layout);
    }

    // Plotly merges equal category labels into one slot, which would silently misplace values.
    static void RequireUnique(IReadOnlyList<string> labels, string builder, string title, string what)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var label in labels)
            if (!seen.Add(label))
                throw new TtLoraException($"{builder} '{title}': {what} contain '{label}' twice; category labels must be unique.");
    }
}

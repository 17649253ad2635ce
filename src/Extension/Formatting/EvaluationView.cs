using TtLora.Core.Routing;

namespace TtLora.Extension.Formatting;

/// <summary>
/// The view of a router's evaluation, shared by <c>eval</c> and the demo report: a card of what was evaluated, the
/// routing confusion as a heatmap of counts (each task's own expert outlined), per-task accuracy of every method as
/// grouped bars and as a table (best task accuracy per row highlighted), and the cost of each method.
/// </summary>
public static class EvaluationView
{
    /// <summary>The whole view as one HTML output.</summary>
    /// <param name="majority">Each task's majority-class accuracy on the same split, when known (a bar and a column).</param>
    public static string ToHtml(RouterEvaluation evaluation, IReadOnlyDictionary<string, double>? majority = null, string? savedTo = null)
    {
        var e = evaluation;
        var card = new KeyValueCard($"evaluation of router {e.Router}")
            .Add("router", e.RouterType + (e.RouteFromLayer is int k ? $", routing from layer {k}" : ""))
            .Add("split", $"{e.Split}, {e.PerTask.Sum(t => t.Examples):N0} examples over {e.PerTask.Count} tasks, batches of {e.BatchSize}")
            .Add("inference", e.NoisyInference ? "noisy (the router's learned noise added)" : "clean logits")
            .Add("routing accuracy", HtmlCell.Percent(e.Mean(t => t.RoutingAccuracy)).WithTooltip("mean over tasks: inputs sent to their own task's expert"))
            .Add("routed accuracy", $"{Html.Percent(e.Mean(t => t.Routed))} (oracle expert {Html.Percent(e.Mean(t => t.Oracle))})");
        if (savedTo is not null) card.Add("saved", savedTo);
        var html = new HtmlOutput().Add(card.ToHtml());
        AddTo(html, evaluation, majority);
        return html.ToString();
    }

    /// <summary>Adds the routing, accuracy and cost sections to an output (the demo report puts them under its own headings).</summary>
    public static void AddTo(HtmlOutput html, RouterEvaluation evaluation, IReadOnlyDictionary<string, double>? majority = null)
    {
        var e = evaluation;
        html.AddHeading("Routing");
        html.AddChart(Confusion(e));
        html.AddHeading("Accuracy per task");
        html.AddChart(AccuracyBars(e, majority));
        html.Add(AccuracyTable(e, majority).ToHtml());
        html.AddHeading("Cost");
        var cost = new HtmlTable("same mixed batches, after one warm-up batch", "method", "ms per example", "× base forward", "parameters");
        foreach (var c in e.Costs) cost.AddRow(c.Method, HtmlCell.Number(c.MillisecondsPerExample, "0.000"), HtmlCell.Number(c.RatioToBase, "0.00"), HtmlCell.Number(c.Parameters));
        html.Add(cost.ToHtml());
    }

    /// <summary>Counts of inputs per task (rows) and chosen expert (columns); each task's own expert is outlined.</summary>
    public static PlotlyFigure Confusion(RouterEvaluation e)
    {
        var z = new double[e.PerTask.Count, e.Experts.Count];
        for (int t = 0; t < e.PerTask.Count; t++)
            for (int x = 0; x < e.Experts.Count; x++) z[t, x] = e.Confusion[t][x];
        var own = e.PerTask.Select((t, row) => (Row: row, Column: IndexOf(e.Experts, t.Expert))).Where(m => m.Column >= 0);
        return Charts.Heatmap(z, e.Experts, e.PerTask.Select(t => t.Task).ToArray(),
            "Routing confusion (inputs per task and chosen expert; outlined: the task's own expert)", "chosen expert", "task",
            showValues: true, marked: own, zMin: 0);
    }

    /// <summary>Accuracy per task of every method measured, side by side.</summary>
    public static PlotlyFigure AccuracyBars(RouterEvaluation e, IReadOnlyDictionary<string, double>? majority = null)
    {
        var series = new List<BarSeries>();
        foreach (var (name, metric) in Methods(e))
            series.Add(new BarSeries(name, e.PerTask.Select(t => metric(t)!.Value).ToArray()));
        if (Majority(e, majority) is { } m) series.Add(new BarSeries("majority class", m));
        return Charts.GroupedBars(e.PerTask.Select(t => t.Task).ToArray(), series, "Test accuracy per task", yTitle: "accuracy")
            .WithLayout(layout => layout["yaxis"]!["range"] = new System.Text.Json.Nodes.JsonArray(0, 1));
    }

    static HtmlTable AccuracyTable(RouterEvaluation e, IReadOnlyDictionary<string, double>? majority)
    {
        var methods = Methods(e);
        var m = Majority(e, majority);
        // The majority class is the floor the methods are read against, so it sits before them and is never "best".
        var columns = new List<string> { "task", "examples", "routing accuracy" };
        if (m is not null) columns.Add("majority class");
        int firstMethod = columns.Count;
        columns.AddRange(methods.Select(x => x.Name));
        var table = new HtmlTable("accuracy (highlighted: the best method of each row)", [.. columns]);
        for (int row = 0; row < e.PerTask.Count; row++)
        {
            var t = e.PerTask[row];
            var cells = new List<HtmlCell> { t.Task, t.Examples, HtmlCell.Percent(t.RoutingAccuracy) };
            if (m is not null) cells.Add(HtmlCell.Percent(m[row]));
            cells.AddRange(methods.Select(x => HtmlCell.Percent(x.Metric(t)!.Value)));
            table.AddRow([.. cells]);
            table.HighlightBestInRow(row, fromColumn: firstMethod);
        }
        var mean = new List<HtmlCell> { HtmlCell.Text("mean"), e.PerTask.Sum(t => t.Examples), HtmlCell.Percent(e.Mean(t => t.RoutingAccuracy)) };
        if (m is not null) mean.Add(HtmlCell.Percent(m.Average()));
        mean.AddRange(methods.Select(x => HtmlCell.Percent(e.Mean(x.Metric))));
        table.AddRow([.. mean]);
        table.HighlightBestInRow(e.PerTask.Count, fromColumn: firstMethod);
        return table;
    }

    // Methods measured for every task, in the order a reader compares them.
    static List<(string Name, Func<TaskEvaluation, double?> Metric)> Methods(RouterEvaluation e)
    {
        var all = new List<(string, Func<TaskEvaluation, double?>)>
        {
            ("routed", t => t.Routed),
            ("routed, single pass", t => t.RoutedSinglePass),
            ("oracle expert", t => t.Oracle),
            ("uniform merge", t => t.Merge),
            ("multi-task adapter", t => t.MultiTask),
        };
        return all.Where(x => e.PerTask.Count > 0 && e.PerTask.All(t => x.Item2(t) is not null)).ToList();
    }

    static double[]? Majority(RouterEvaluation e, IReadOnlyDictionary<string, double>? majority) =>
        majority is not null && e.PerTask.All(t => majority.ContainsKey(t.Task)) ? e.PerTask.Select(t => majority[t.Task]).ToArray() : null;

    static int IndexOf(IReadOnlyList<string> items, string item)
    {
        for (int i = 0; i < items.Count; i++) if (items[i] == item) return i;
        return -1;
    }
}

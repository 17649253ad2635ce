using System.Text;
using System.Text.Json.Nodes;
using TtLora.Core.Routing;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Results;

/// <summary>A router's evaluation: routing accuracy and confusion, accuracy by method, and cost.</summary>
/// <param name="Majority">Each task's majority-class accuracy (from its expert), shown beside the methods when given.</param>
public sealed record EvaluationResult(RouterEvaluation Evaluation, string SavedTo, IReadOnlyDictionary<string, double>? Majority = null) : ICommandResult
{
    public string ToText()
    {
        var e = Evaluation;
        var s = new StringBuilder();
        s.AppendLine($"router {e.Router} ({e.RouterType}) on the {e.Split} split{(e.NoisyInference ? ", noisy inference" : "")}");
        static string P(double? v) => v is double d ? $"{d,8:P1}" : "       -";
        s.AppendLine($"  {"task",-18} {"n",5} {"routing",8} {"routed",8} {"1-pass",8} {"oracle",8} {"merge",8} {"multi",8}");
        foreach (var t in e.PerTask)
            s.AppendLine($"  {t.Task,-18} {t.Examples,5} {P(t.RoutingAccuracy)} {P(t.Routed)} {P(t.RoutedSinglePass)} {P(t.Oracle)} {P(t.Merge)} {P(t.MultiTask)}");
        s.AppendLine($"  {"mean",-18} {e.PerTask.Sum(t => t.Examples),5} {P(e.Mean(t => t.RoutingAccuracy))} {P(e.Mean(t => t.Routed))} " +
            $"{P(e.PerTask.Any(t => t.RoutedSinglePass is not null) ? e.Mean(t => t.RoutedSinglePass) : null)} {P(e.Mean(t => t.Oracle))} " +
            $"{P(e.PerTask.Any(t => t.Merge is not null) ? e.Mean(t => t.Merge) : null)} {P(e.PerTask.Any(t => t.MultiTask is not null) ? e.Mean(t => t.MultiTask) : null)}");
        s.AppendLine("  confusion (rows: task, columns: chosen expert)");
        s.AppendLine($"  {"",-18} " + string.Join(" ", e.Experts.Select((x, i) => $"{i,6}")));
        for (int t = 0; t < e.PerTask.Count; t++)
            s.AppendLine($"  {e.PerTask[t].Task,-18} " + string.Join(" ", e.Confusion[t].Select(c => $"{c,6}")));
        for (int i = 0; i < e.Experts.Count; i++) s.AppendLine($"    expert {i}: {e.Experts[i]}");
        s.AppendLine("  cost (same mixed batches, after one warm-up batch)");
        foreach (var c in e.Costs)
            s.AppendLine($"    {c.Method,-22} {c.MillisecondsPerExample,8:F3} ms/example  x{c.RatioToBase,5:F2} of base  {c.Parameters,12:N0} parameters");
        s.Append($"  saved {SavedTo}");
        return s.ToString();
    }

    public JsonNode ToJson()
    {
        var json = Evaluation.ToJson();
        json["saved_to"] = SavedTo;
        return json;
    }

    /// <summary>Confusion heatmap, accuracy bars and table, cost (<see cref="EvaluationView"/>).</summary>
    public string ToHtml() => EvaluationView.ToHtml(Evaluation, Majority, SavedTo);

    /// <summary>The routing confusion heatmap.</summary>
    public PlotlyFigure? Figure => EvaluationView.Confusion(Evaluation);
}

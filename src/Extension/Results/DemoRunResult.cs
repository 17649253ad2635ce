using System.Text;
using System.Text.Json.Nodes;
using TtLora.Core.Data;
using TtLora.Core.Registry;
using TtLora.Core.Routing;
using TtLora.Core.Training;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Results;

/// <summary>
/// The offline demo's outcome: base model, one expert per task, the router and its evaluation. Renders as a summary
/// table (terminal), as rich HTML (notebooks), and as the self-contained report page the demo writes.
/// </summary>
public sealed record DemoRunResult(
    IReadOnlyList<string> Log,
    PretrainReport Base,
    IReadOnlyList<TaskSummary> Tasks,
    IReadOnlyList<ExpertManifest> Experts,
    RouterEvaluation Evaluation,
    TimeSpan WallTime,
    string ReportPath,
    string ResultsPath) : ICommandResult
{
    public string ToText()
    {
        var s = new StringBuilder();
        s.AppendLine($"base model: {Base.Parameters:N0} parameters, vocabulary {Base.VocabSize:N0}, validation perplexity {Base.ValidationPerplexity:F1}");
        s.AppendLine();
        s.AppendLine($"{"task",-18} {"expert params",13} {"majority",9} {"oracle",7} {"routed",7} {"routing",8} {"merge",7} {"multi-task",10}");
        foreach (var t in Evaluation.PerTask)
        {
            var expert = Experts.First(e => e.Name == t.Expert);
            s.AppendLine($"{t.Task,-18} {expert.TrainableParameters,13:N0} {expert.MajorityBaseline,9:P1} {t.Oracle,7:P1} {t.Routed,7:P1} {t.RoutingAccuracy,8:P1} {Pct(t.Merge),7} {Pct(t.MultiTask),10}");
        }
        s.AppendLine($"{"mean",-18} {"",13} {Experts.Average(e => e.MajorityBaseline),9:P1} {Evaluation.Mean(t => t.Oracle),7:P1} {Evaluation.Mean(t => t.Routed),7:P1} {Evaluation.Mean(t => t.RoutingAccuracy),8:P1} {Pct(Evaluation.Mean(t => t.Merge)),7} {Pct(Evaluation.Mean(t => t.MultiTask)),10}");
        s.AppendLine();
        foreach (var c in Evaluation.Costs)
            s.AppendLine($"cost {c.Method,-24} {c.MillisecondsPerExample,8:F2} ms/example  {c.RatioToBase,5:F2}x base  {c.Parameters,12:N0} parameters");
        s.AppendLine();
        s.AppendLine($"wall time {WallTime:hh\\:mm\\:ss}");
        s.AppendLine($"report  {ReportPath}");
        s.Append($"results {ResultsPath}");
        return s.ToString();
    }

    static string Pct(double? value) => value is double v && !double.IsNaN(v) ? v.ToString("P1") : "-";

    public JsonNode ToJson() => new JsonObject
    {
        ["wall_seconds"] = WallTime.TotalSeconds,
        ["base"] = Base.ToJson(),
        ["tasks"] = new JsonArray(Tasks.Select(t => (JsonNode?)TaskListResult.SummaryJson(t)).ToArray()),
        ["experts"] = new JsonArray(Experts.Select(e => (JsonNode?)e.ToJson()).ToArray()),
        ["evaluation"] = Evaluation.ToJson(),
        ["report"] = ReportPath,
        ["log"] = new JsonArray(Log.Select(l => (JsonNode?)l).ToArray()),
    };

    /// <summary>The report's body: base model, experts, and the evaluation view <c>eval</c> shows.</summary>
    public string ToHtml() => Body().ToString();

    /// <summary>A whole HTML page, readable offline (plotly.js inline).</summary>
    public string ReportPage() =>
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>tt-lora demo report</title></head>\n<body style=\"max-width:1100px;margin:2em auto;font-family:sans-serif\">\n" +
        "<h1>tt-lora offline demo</h1>\n" + Body() + "\n</body></html>\n";

    HtmlOutput Body()
    {
        var html = new HtmlOutput();
        html.AddText($"Stage one trains one TT-LoRA expert per task on a frozen base model pretrained from scratch; stage two routes each input to an expert with a noisy top-1 router. Wall time {WallTime:hh\\:mm\\:ss}.");
        html.AddHeading("Base model");
        html.Add(new KeyValueCard("pretrained base")
            .Add("parameters", Base.Parameters.ToString("N0"))
            .Add("vocabulary", $"{Base.VocabSize:N0} tokens (byte-level BPE)")
            .Add("training", $"{Base.Steps:N0} steps, {Base.TrainingTokens:N0} tokens, {Base.TrainingTime.TotalSeconds:F0} s")
            .Add("validation perplexity", Base.ValidationPerplexity.ToString("F2")).ToHtml());

        html.AddHeading("Tasks and experts");
        var experts = new HtmlTable(null, "task", "labels", "train", "test", "expert", "parameters", "majority", "validation", "test accuracy", "training s");
        foreach (var e in Experts)
        {
            var t = Tasks.First(x => x.Name == e.Task);
            experts.AddRow(e.Task, string.Join(", ", e.Labels), t.Train.Count, t.Test.Count, e.Name, e.TrainableParameters,
                HtmlCell.Percent(e.MajorityBaseline), HtmlCell.Percent(e.ValidationAccuracy), HtmlCell.Percent(e.TestAccuracy), Math.Round(e.TrainingSeconds, 1));
        }
        html.Add(experts.ToHtml());

        EvaluationView.AddTo(html, Evaluation, Experts.GroupBy(e => e.Task).ToDictionary(g => g.Key, g => g.First().MajorityBaseline));
        return html;
    }
}

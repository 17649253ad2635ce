using System.Text;
using System.Text.Json.Nodes;
using TtLora.Core.Adapters;
using TtLora.Extension.Display;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Results;

/// <summary>Benchmark timings and the ratios the project tracks, with their targets.</summary>
public sealed record AdapterBenchmarkResult(AdapterBenchmarkReport Report) : ICommandResult, IRichDisplay
{
    public string ToText()
    {
        var o = Report.Options;
        var s = new StringBuilder();
        s.AppendLine($"adapter benchmark: x [{o.Batch},{o.Sequence},{o.InFeatures}] -> {o.OutFeatures}, rank {o.Rank}; model batch [{o.ModelBatch},{o.ModelSequence}]; {Report.Threads} threads; median of {o.Repeats}");
        foreach (var section in Report.Timings.GroupBy(t => t.Section))
        {
            s.AppendLine($"  {section.Key}");
            foreach (var t in section) s.AppendLine($"    {t.Variant,-28} {t.Phase,-18} {t.MedianMilliseconds,10:F2} ms (min {t.MinMilliseconds:F2})");
        }
        s.AppendLine("  ratios");
        foreach (var r in Report.Ratios)
            s.AppendLine($"    {r.Name,-52} {r.Value,6:F3} (from minima {r.MinimumRatio:F3})" + (r.Target is double target ? $"  target <= {target:F2} {(r.MeetsTarget ? "met" : "MISSED")}" : ""));
        return s.ToString().TrimEnd();
    }

    public JsonNode ToJson() => new JsonObject
    {
        ["threads"] = Report.Threads,
        ["timings"] = new JsonArray(Report.Timings.Select(t => (JsonNode?)new JsonObject
        {
            ["section"] = t.Section, ["variant"] = t.Variant, ["phase"] = t.Phase,
            ["median_ms"] = t.MedianMilliseconds, ["min_ms"] = t.MinMilliseconds, ["runs"] = t.Runs,
        }).ToArray()),
        ["ratios"] = new JsonArray(Report.Ratios.Select(r => (JsonNode?)new JsonObject
        {
            ["name"] = r.Name, ["value"] = r.Value, ["from_minima"] = r.MinimumRatio, ["target"] = r.Target, ["meets_target"] = r.MeetsTarget,
        }).ToArray()),
    };

    /// <summary>Adds the HTML view; text/plain stays <see cref="ToText"/>.</summary>
    public void AddTo(IDictionary<string, object> bundle) => bundle[MimeBundles.Html] = AdapterBenchmarkView.ToHtml(this);
}

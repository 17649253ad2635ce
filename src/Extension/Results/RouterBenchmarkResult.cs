using System.Text;
using System.Text.Json.Nodes;
using TtLora.Core.Routing;

namespace TtLora.Extension.Results;

/// <summary>Routing benchmark timings and ratios, with their targets.</summary>
public sealed record RouterBenchmarkResult(RoutingBenchmarkReport Report) : ICommandResult
{
    public string ToText()
    {
        var r = Report;
        var s = new StringBuilder();
        s.AppendLine($"routing benchmark: router {r.Router}, batch [{r.Batch},{r.Tokens}], {r.Threads} threads");
        foreach (var section in r.Timings.GroupBy(t => t.Section))
        {
            s.AppendLine($"  {section.Key}");
            foreach (var t in section) s.AppendLine($"    {t.Variant,-28} {t.Phase,-12} {t.MedianMilliseconds,10:F2} ms (min {t.MinMilliseconds:F2}, {t.Runs} runs)");
        }
        s.AppendLine("  ratios");
        foreach (var x in r.Ratios)
            s.AppendLine($"    {x.Name,-50} {x.Value,6:F3} (from minima {x.MinimumRatio:F3})" + (x.Target is double target ? $"  target <= {target:F2} {(x.MeetsTarget ? "met" : "MISSED")}" : ""));
        return s.ToString().TrimEnd();
    }

    public JsonNode ToJson() => new JsonObject
    {
        ["router"] = Report.Router,
        ["threads"] = Report.Threads,
        ["batch"] = Report.Batch,
        ["tokens"] = Report.Tokens,
        ["timings"] = new JsonArray(Report.Timings.Select(t => (JsonNode?)new JsonObject
        {
            ["section"] = t.Section, ["variant"] = t.Variant, ["phase"] = t.Phase, ["median_ms"] = t.MedianMilliseconds, ["min_ms"] = t.MinMilliseconds, ["runs"] = t.Runs,
        }).ToArray()),
        ["ratios"] = new JsonArray(Report.Ratios.Select(x => (JsonNode?)new JsonObject
        {
            ["name"] = x.Name, ["value"] = x.Value, ["from_minima"] = x.MinimumRatio, ["target"] = x.Target, ["meets_target"] = x.MeetsTarget,
        }).ToArray()),
    };
}

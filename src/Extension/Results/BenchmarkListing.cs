using TtLora.Core.Benchmarks;
using System.Text;
using System.Text.Json.Nodes;
using TtLora.Core.Adapters;

namespace TtLora.Extension.Results;

/// <summary>The timings and ratios every benchmark reports, written the same way as text and as JSON.</summary>
internal static class BenchmarkListing
{
    /// <summary>Timings grouped by section, then the ratios with their targets; the widths align one benchmark's names.</summary>
    public static void AppendText(StringBuilder s, IReadOnlyList<BenchmarkTiming> timings, IReadOnlyList<BenchmarkRatio> ratios,
        int phaseWidth, int ratioNameWidth, bool showRuns)
    {
        foreach (var section in timings.GroupBy(t => t.Section))
        {
            s.AppendLine($"  {section.Key}");
            foreach (var t in section)
                s.AppendLine($"    {t.Variant,-28} {t.Phase.PadRight(phaseWidth)} {t.MedianMilliseconds,10:F2} ms (min {t.MinMilliseconds:F2}{(showRuns ? $", {t.Runs} runs" : "")})");
        }
        s.AppendLine("  ratios");
        foreach (var r in ratios)
            s.AppendLine($"    {r.Name.PadRight(ratioNameWidth)} {r.Value,6:F3} (from minima {r.MinimumRatio:F3})"
                + (r.Target is double target ? $"  target <= {target:F2} {(r.MeetsTarget ? "met" : "MISSED")}" : ""));
    }

    public static JsonArray TimingsJson(IEnumerable<BenchmarkTiming> timings) => new(timings.Select(t => (JsonNode?)new JsonObject
    {
        ["section"] = t.Section, ["variant"] = t.Variant, ["phase"] = t.Phase,
        ["median_ms"] = t.MedianMilliseconds, ["min_ms"] = t.MinMilliseconds, ["runs"] = t.Runs,
    }).ToArray());

    public static JsonArray RatiosJson(IEnumerable<BenchmarkRatio> ratios) => new(ratios.Select(r => (JsonNode?)new JsonObject
    {
        ["name"] = r.Name, ["value"] = r.Value, ["from_minima"] = r.MinimumRatio, ["target"] = r.Target, ["meets_target"] = r.MeetsTarget,
    }).ToArray());
}

using TtLora.Core.Benchmarks;
using System.Text;
using System.Text.Json.Nodes;
using TtLora.Core.Routing;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Results;

/// <summary>Routing benchmark timings and ratios, with their targets.</summary>
public sealed record RouterBenchmarkResult(RoutingBenchmarkReport Report) : ICommandResult
{
    public string ToText()
    {
        var r = Report;
        var s = new StringBuilder();
        s.AppendLine($"routing benchmark: router {r.Router}, batch [{r.Batch},{r.Tokens}], {r.Threads} threads");
        BenchmarkListing.AppendText(s, r.Timings, r.Ratios, phaseWidth: 12, ratioNameWidth: 50, showRuns: true);
        return s.ToString().TrimEnd();
    }

    public JsonNode ToJson() => new JsonObject
    {
        ["router"] = Report.Router,
        ["threads"] = Report.Threads,
        ["batch"] = Report.Batch,
        ["tokens"] = Report.Tokens,
        ["timings"] = BenchmarkListing.TimingsJson(Report.Timings),
        ["ratios"] = BenchmarkListing.RatiosJson(Report.Ratios),
    };

    /// <summary>The benchmark view: what was measured, every timing, the ratios with their targets.</summary>
    public string ToHtml() => BenchmarkView.ToHtml(new KeyValueCard("routing benchmark")
        .Add("router", Report.Router)
        .Add("batch", $"{Report.Batch} examples × {Report.Tokens} tokens")
        .Add("threads", Report.Threads), Report.Timings, Report.Ratios);
}

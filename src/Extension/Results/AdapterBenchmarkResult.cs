using TtLora.Core.Benchmarks;
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
        BenchmarkListing.AppendText(s, Report.Timings, Report.Ratios, phaseWidth: 18, ratioNameWidth: 52, showRuns: false);
        return s.ToString().TrimEnd();
    }

    public JsonNode ToJson() => new JsonObject
    {
        ["threads"] = Report.Threads,
        ["timings"] = BenchmarkListing.TimingsJson(Report.Timings),
        ["ratios"] = BenchmarkListing.RatiosJson(Report.Ratios),
    };

    /// <summary>Adds the HTML view; text/plain stays <see cref="ToText"/>.</summary>
    public void AddTo(IDictionary<string, object> bundle) => bundle[MimeBundles.Html] = AdapterBenchmarkView.ToHtml(this);
}

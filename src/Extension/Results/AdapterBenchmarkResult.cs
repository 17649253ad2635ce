using TtLora.Core.Benchmarks;
using System.Text;
using System.Text.Json.Nodes;
using TtLora.Core.Adapters;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Results;

/// <summary>Benchmark timings and the ratios the project tracks, with their targets.</summary>
public sealed record AdapterBenchmarkResult(AdapterBenchmarkReport Report) : ICommandResult
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

    /// <summary>The benchmark view: what was measured, every timing, the ratios with their targets.</summary>
    public string ToHtml()
    {
        var o = Report.Options;
        var card = new KeyValueCard("adapter benchmark")
            .Add("projection", $"x [{o.Batch},{o.Sequence},{o.InFeatures}] → {o.OutFeatures}, rank {o.Rank}")
            .Add("model", $"batch [{o.ModelBatch},{o.ModelSequence}], hidden {o.Model.HiddenSize}, {o.Model.NumHiddenLayers} layers")
            .Add("runs", $"median of {o.Repeats} after {o.Warmup} warm-up, {Report.Threads} threads{(o.UseCpuTime ? ", process CPU time" : "")}");
        return BenchmarkView.ToHtml(card, Report.Timings, Report.Ratios);
    }
}

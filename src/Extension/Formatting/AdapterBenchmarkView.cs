using TtLora.Core.Benchmarks;
using System.Globalization;
using TtLora.Extension.Results;

namespace TtLora.Extension.Formatting;

/// <summary>
/// HTML for <see cref="AdapterBenchmarkResult"/>: the sizes measured, every timing (the fastest variant of each
/// section and phase highlighted), and the tracked ratios with their targets marked met or missed.
/// </summary>
public static class AdapterBenchmarkView
{
    public static string ToHtml(AdapterBenchmarkResult result)
    {
        var report = result.Report;
        var o = report.Options;
        var card = new KeyValueCard("adapter benchmark")
            .Add("projection", $"x [{o.Batch},{o.Sequence},{o.InFeatures}] → {o.OutFeatures}, rank {o.Rank}")
            .Add("model", $"batch [{o.ModelBatch},{o.ModelSequence}], hidden {o.Model.HiddenSize}, {o.Model.NumHiddenLayers} layers")
            .Add("runs", $"median of {o.Repeats} after {o.Warmup} warm-up, {report.Threads} threads");

        var timings = new HtmlTable("timings", "section", "variant", "phase", "median ms", "min ms", "runs");
        var rows = report.Timings.ToList();
        foreach (var t in rows)
            timings.AddRow(t.Section, t.Variant, t.Phase, HtmlCell.Number(t.MedianMilliseconds, "0.00"), HtmlCell.Number(t.MinMilliseconds, "0.00"), t.Runs);
        foreach (var group in rows.Select((t, i) => (t, i)).GroupBy(x => (x.t.Section, x.t.Phase)).Where(g => g.Count() > 1))
        {
            double fastest = group.Min(x => x.t.MedianMilliseconds);
            foreach (var (_, i) in group.Where(x => x.t.MedianMilliseconds == fastest)) timings.HighlightCell(i, 3, Highlight.Best);
        }

        var ratios = new HtmlTable("ratios", "ratio", "medians", "minima", "target", "status");
        foreach (var r in report.Ratios)
        {
            var status = r.Target is null ? HtmlCell.Text("") : HtmlCell.Text(r.MeetsTarget ? "met" : "missed", r.MeetsTarget ? Highlight.Best : Highlight.Warn);
            ratios.AddRow(r.Name, HtmlCell.Number(r.Value, "0.000", r.Target is null ? Highlight.None : status.Highlight),
                HtmlCell.Number(r.MinimumRatio, "0.000"), r.Target is double target ? HtmlCell.Text("≤ " + target.ToString("0.00", CultureInfo.InvariantCulture)) : HtmlCell.Text(""), status);
        }
        return new HtmlOutput().Add(card.ToHtml()).Add(timings.ToHtml()).Add(ratios.ToHtml()).ToString();
    }
}

using TtLora.Core.Benchmarks;
using System.Globalization;
using TtLora.Core.Adapters;

namespace TtLora.Extension.Formatting;

/// <summary>
/// The one HTML view of every <c>bench</c> result: a card saying what was measured, every timing (the fastest variant of
/// each section and phase highlighted), and the tracked ratios with their targets marked met or missed. Benchmarks
/// that report plain figures (<c>bench model</c>) show them as one table under the same card style.
/// </summary>
public static class BenchmarkView
{
    public static string ToHtml(KeyValueCard card, IReadOnlyList<BenchmarkTiming> timings, IReadOnlyList<BenchmarkRatio> ratios)
    {
        var timingTable = new HtmlTable("timings", "section", "variant", "phase", "median ms", "min ms", "runs");
        var rows = timings.ToList();
        foreach (var t in rows)
            timingTable.AddRow(t.Section, t.Variant, t.Phase, HtmlCell.Number(t.MedianMilliseconds, "0.00"), HtmlCell.Number(t.MinMilliseconds, "0.00"), t.Runs);
        foreach (var group in rows.Select((t, i) => (t, i)).GroupBy(x => (x.t.Section, x.t.Phase)).Where(g => g.Count() > 1))
        {
            double fastest = group.Min(x => x.t.MedianMilliseconds);
            foreach (var (_, i) in group.Where(x => x.t.MedianMilliseconds == fastest)) timingTable.HighlightCell(i, 3, Highlight.Best);
        }
        return new HtmlOutput().Add(card.ToHtml()).Add(timingTable.ToHtml()).Add(RatioTable(ratios)).ToString();
    }

    /// <summary>Measured figures (name, value, unit) under the benchmark's title.</summary>
    public static string ToHtml(string title, IReadOnlyList<(string Name, double Value, string Unit)> figures)
    {
        var table = new HtmlTable(null, "measure", "value", "unit");
        foreach (var (name, value, unit) in figures) table.AddRow(name, HtmlCell.Number(value, "#,##0.##"), unit);
        return new HtmlOutput().AddHeading(title).Add(table.ToHtml()).ToString();
    }

    /// <summary>The ratios: value from medians and from minima, the target when there is one, and met or missed.</summary>
    static string RatioTable(IReadOnlyList<BenchmarkRatio> ratios)
    {
        var table = new HtmlTable("ratios", "ratio", "medians", "minima", "target", "status");
        foreach (var r in ratios)
        {
            var status = r.Target is null ? HtmlCell.Text("no target", Highlight.Muted) : HtmlCell.Text(r.MeetsTarget ? "met" : "missed", r.MeetsTarget ? Highlight.Best : Highlight.Warn);
            table.AddRow(r.Name, HtmlCell.Number(r.Value, "0.000", r.Target is null ? Highlight.None : status.Highlight),
                HtmlCell.Number(r.MinimumRatio, "0.000"),
                r.Target is double target ? HtmlCell.Text("≤ " + target.ToString("0.00", CultureInfo.InvariantCulture)) : HtmlCell.Text(""), status);
        }
        return table.ToHtml();
    }
}

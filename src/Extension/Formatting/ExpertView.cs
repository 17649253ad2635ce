using System.Globalization;
using TtLora.Core.Registry;
using TtLora.Extension.Results;

namespace TtLora.Extension.Formatting;

/// <summary>
/// HTML for <see cref="ExpertResult"/>: a card of what the expert is and how well it does, then its per-epoch
/// history as a table (best epoch highlighted) and as loss/accuracy curves.
/// </summary>
public static class ExpertView
{
    public static string ToHtml(ExpertResult result)
    {
        var m = result.Manifest;
        var output = new HtmlOutput().Add(Card(m).ToHtml());
        var history = EpochHistory.Read(m.History);
        if (history.Count == 0) return output.ToString();

        var table = new HtmlTable("history", "epoch", "train loss", "train acc", "val loss", "val acc");
        foreach (var e in history)
            table.AddRow(e.Epoch, Loss(e.TrainLoss), HtmlCell.Percent(e.TrainAccuracy), Loss(e.ValidationLoss), HtmlCell.Percent(e.ValidationAccuracy));
        int bestRow = history.ToList().FindIndex(e => e.Epoch == m.BestEpoch);
        if (bestRow >= 0)
            for (int c = 0; c < table.Columns.Count; c++) table.HighlightCell(bestRow, c, Highlight.Best);
        output.Add(table.ToHtml());
        return output.AddChart(Curves(m.Name, history)).ToString();
    }

    /// <summary>Train and validation loss (left axis) and accuracy (right axis) against epoch.</summary>
    public static PlotlyFigure Curves(string name, IReadOnlyList<EpochHistory> history)
    {
        double[] epochs = history.Select(e => (double)e.Epoch).ToArray();
        return Charts.Lines(
        [
            new LineSeries("train loss", epochs, history.Select(e => e.TrainLoss).ToArray()),
            new LineSeries("validation loss", epochs, history.Select(e => e.ValidationLoss).ToArray()),
            new LineSeries("train accuracy", epochs, history.Select(e => e.TrainAccuracy).ToArray(), SecondaryAxis: true),
            new LineSeries("validation accuracy", epochs, history.Select(e => e.ValidationAccuracy).ToArray(), SecondaryAxis: true),
        ], $"expert {name}: training history", xTitle: "epoch", yTitle: "loss", y2Title: "accuracy")
            .WithLayout(layout => layout["xaxis"]!["dtick"] = 1);
    }

    static KeyValueCard Card(ExpertManifest m)
    {
        var card = new KeyValueCard($"expert {m.Name}")
            .Add("task", string.IsNullOrEmpty(m.TaskDescription) ? m.Task : $"{m.Task}: {m.TaskDescription}")
            .Add("labels", HtmlCell.Raw(ChipList.ToHtml(m.Labels.Select((l, i) => new Chip(l, i.ToString(CultureInfo.InvariantCulture))))))
            .Add("adapter", m.AdapterKind)
            .Add("shape", m.AdapterShape)
            .Add("parameters", HtmlCell.Number(m.TrainableParameters))
            .Add("validation", $"accuracy {Html.Percent(m.ValidationAccuracy)}, loss {Html.Number(Math.Round(m.ValidationLoss, 4))}")
            .Add("test accuracy", HtmlCell.Percent(m.TestAccuracy, BeatsBaseline(m) ? Highlight.Best : Highlight.Warn)
                .WithTooltip($"majority baseline {Html.Percent(m.MajorityBaseline)}"))
            .Add("majority baseline", HtmlCell.Percent(m.MajorityBaseline))
            .Add("training", $"{m.EpochsRun} epoch{(m.EpochsRun == 1 ? "" : "s")} (best {m.BestEpoch}), {Html.Duration(TimeSpan.FromSeconds(m.TrainingSeconds))}, {Html.Number(Math.Round(m.TokensPerSecond))} tokens/s")
            .Add("base model", HtmlCell.Text(m.BaseModel).WithTooltip(m.BaseModelFingerprint))
            .Add("seed", HtmlCell.Number(m.Seed))
            .Add("created", m.Created.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));
        return card;
    }

    // Without a test split there is nothing to compare, so nothing is flagged.
    static bool BeatsBaseline(ExpertManifest m) => double.IsNaN(m.TestAccuracy) || m.TestAccuracy > m.MajorityBaseline;

    static HtmlCell Loss(double value) => double.IsNaN(value) ? HtmlCell.Text("n/a") : HtmlCell.Number(value, "0.0000");
}

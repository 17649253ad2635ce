using System.Globalization;
using TtLora.Extension.Results;

namespace TtLora.Extension.Formatting;

/// <summary>
/// HTML for <see cref="RegistryResult"/>: one row per expert, grouped by task as the registry sorts them; the best
/// expert of each task has its name and the accuracy that decided it highlighted.
/// </summary>
public static class RegistryView
{
    public static string ToHtml(RegistryResult result)
    {
        var output = new HtmlOutput();
        if (result.Experts.Count == 0)
        {
            output.AddText($"no experts in {result.Root}", muted: true);
            return AddBroken(output, result).ToString();
        }
        var best = result.BestPerTask;
        var table = new HtmlTable($"{result.Experts.Count} expert{(result.Experts.Count == 1 ? "" : "s")} in {result.Root}",
            "name", "task", "kind", "parameters", "val acc", "test acc", "base model", "created");
        foreach (var e in result.Experts)
        {
            bool isBest = best.Contains(e.Name);
            // The registry ranks by test accuracy, falling back to validation when there was no test split.
            bool rankedByTest = !double.IsNaN(e.TestAccuracy);
            var mark = isBest ? Highlight.Best : Highlight.None;
            table.AddRow(
                HtmlCell.Text(e.Name, mark).WithTooltip(isBest ? $"best for task {e.Task}" : null),
                HtmlCell.Text(e.Task).WithTooltip(string.IsNullOrEmpty(e.TaskDescription) ? null : e.TaskDescription),
                HtmlCell.Text(e.AdapterKind).WithTooltip(string.IsNullOrEmpty(e.AdapterShape) ? null : e.AdapterShape),
                HtmlCell.Number(e.TrainableParameters),
                HtmlCell.Percent(e.ValidationAccuracy, isBest && !rankedByTest ? Highlight.Best : Highlight.None),
                HtmlCell.Percent(e.TestAccuracy, isBest && rankedByTest ? Highlight.Best : Highlight.None),
                HtmlCell.Text(Path.GetFileName(e.BaseModel.TrimEnd('/', '\\'))).WithTooltip($"{e.BaseModel} ({e.BaseModelFingerprint})"),
                HtmlCell.Text(e.Created.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)));
        }
        output.Add(table.ToHtml());
        output.AddText("highlighted: the best expert of each task (test accuracy, or validation accuracy without a test split)", muted: true);
        return AddBroken(output, result).ToString();
    }

    static HtmlOutput AddBroken(HtmlOutput output, RegistryResult result)
    {
        if (result.Broken.Count == 0) return output;
        var table = new HtmlTable($"{result.Broken.Count} broken folder{(result.Broken.Count == 1 ? "" : "s")} (remove with: experts remove NAME)", "name", "problem");
        foreach (var b in result.Broken) table.AddRow(HtmlCell.Text(b.Name), HtmlCell.Text(b.Problem ?? ""));
        output.Add(table.ToHtml());
        return output;
    }
}

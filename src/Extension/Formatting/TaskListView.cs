using TtLora.Extension.Results;

namespace TtLora.Extension.Formatting;

/// <summary>HTML for <see cref="TaskListResult"/>: one row per task with split sizes, the majority baseline and the label balance as bars.</summary>
public static class TaskListView
{
    public static string ToHtml(TaskListResult result)
    {
        var table = new HtmlTable("demo tasks", "task", "description", "train", "val", "test", "majority", "label balance (train)");
        foreach (var t in result.Tasks)
            table.AddRow(t.Name, t.Description, t.Train.Count, t.Validation.Count, t.Test.Count,
                HtmlCell.Percent(t.Test.MajorityAccuracy).WithTooltip("accuracy of always predicting the most frequent label on the test split"),
                HtmlCell.Raw(HtmlBars.ToHtml(t.LabelNames, t.Train.LabelFractions, t.Train.MajorityLabel, "0.0%")));
        return new HtmlOutput().Add(table.ToHtml()).ToString();
    }
}

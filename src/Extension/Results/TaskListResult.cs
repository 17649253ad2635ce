using System.Text;
using System.Text.Json.Nodes;
using TtLora.Core.Data;
using TtLora.Extension.Display;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Results;

/// <summary>The demo tasks with their split sizes and label balance.</summary>
public sealed record TaskListResult(IReadOnlyList<TaskSummary> Tasks) : ICommandResult
{
    public string ToText()
    {
        var s = new StringBuilder();
        // Columns as wide as their longest entry, so long label lists do not push the numbers out of line.
        int name = Tasks.Select(t => t.Name.Length).Append(4).Max(), labels = Tasks.Select(t => string.Join(", ", t.LabelNames).Length).Append(6).Max();
        s.AppendLine($"{"task".PadRight(name)}  {"labels".PadRight(labels)} {"train",7} {"val",6} {"test",6} {"majority",9}");
        foreach (var t in Tasks)
            s.AppendLine($"{t.Name.PadRight(name)}  {string.Join(", ", t.LabelNames).PadRight(labels)} {t.Train.Count,7} {t.Validation.Count,6} {t.Test.Count,6} {t.Test.MajorityAccuracy,9:P1}");
        return s.ToString().TrimEnd();
    }

    public JsonNode ToJson() => new JsonArray(Tasks.Select(t => (JsonNode?)SummaryJson(t)).ToArray());

    internal static JsonObject SummaryJson(TaskSummary t) => new()
    {
        ["name"] = t.Name,
        ["description"] = t.Description,
        ["labels"] = new JsonArray(t.LabelNames.Select(l => (JsonNode?)l).ToArray()),
        ["train"] = SplitJson(t.Train),
        ["validation"] = SplitJson(t.Validation),
        ["test"] = SplitJson(t.Test),
    };

    static JsonObject SplitJson(SplitStatistics s) => new()
    {
        ["count"] = s.Count,
        ["label_counts"] = new JsonArray(s.LabelCounts.Select(c => (JsonNode?)c).ToArray()),
        ["majority_accuracy"] = s.MajorityAccuracy,
    };

    /// <summary>The HTML view.</summary>
    public string ToHtml() => TaskListView.ToHtml(this);
}

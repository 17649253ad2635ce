using System.Text;
using System.Text.Json.Nodes;
using TtLora.Core.Data;
using TtLora.Extension.Display;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Results;

/// <summary>One task's summary with a few example texts.</summary>
public sealed record TaskPreviewResult(TaskPreview Preview) : ICommandResult
{
    public string ToText()
    {
        var t = Preview.Summary;
        var s = new StringBuilder();
        s.AppendLine($"{t.Name}: {t.Description}");
        foreach (var (split, stats) in new[] { ("train", t.Train), ("validation", t.Validation), ("test", t.Test) })
            s.AppendLine($"  {split,-10} {stats.Count,6} examples  " + string.Join("  ", t.LabelNames.Select((l, i) => $"{l} {stats.LabelFractions[i]:P1}")));
        s.AppendLine("examples:");
        foreach (var e in Preview.Examples)
        {
            string text = e.Text.Length > 160 ? e.Text[..160] + "..." : e.Text;
            s.AppendLine($"  [{t.LabelNames[e.Label]}] {text.ReplaceLineEndings(" ")}");
        }
        return s.ToString().TrimEnd();
    }

    public JsonNode ToJson()
    {
        var json = TaskListResult.SummaryJson(Preview.Summary);
        json["examples"] = new JsonArray(Preview.Examples.Select(e => (JsonNode?)new JsonObject
        {
            ["id"] = e.Id, ["text"] = e.Text, ["label"] = Preview.Summary.LabelNames[e.Label],
        }).ToArray());
        return json;
    }

    /// <summary>The HTML view.</summary>
    public string ToHtml() => TaskPreviewView.ToHtml(this);
}

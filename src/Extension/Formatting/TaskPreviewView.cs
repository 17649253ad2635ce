using TtLora.Core.Data;
using TtLora.Extension.Results;

namespace TtLora.Extension.Formatting;

/// <summary>HTML for <see cref="TaskPreviewResult"/>: a card of the task, its splits with label balance, and example texts.</summary>
public static class TaskPreviewView
{
    const int ShownCharacters = 400;

    public static string ToHtml(TaskPreviewResult result)
    {
        var t = result.Preview.Summary;
        var card = new KeyValueCard($"task {t.Name}")
            .Add("description", t.Description)
            .Add("labels", HtmlCell.Raw(ChipList.ToHtml(t.LabelNames.Select((l, i) => new Chip(l, i.ToString(System.Globalization.CultureInfo.InvariantCulture))))));
        var splits = new HtmlTable("splits", ["split", "examples", .. t.LabelNames, "majority"]);
        foreach (var (name, stats) in new[] { ("train", t.Train), ("validation", t.Validation), ("test", t.Test) })
        {
            var row = new List<HtmlCell> { name, stats.Count };
            row.AddRange(stats.LabelFractions.Select((f, i) => HtmlCell.Percent(f, i == stats.MajorityLabel ? Highlight.Muted : Highlight.None)
                .WithTooltip($"{stats.LabelCounts[i]} examples")));
            row.Add(HtmlCell.Percent(stats.MajorityAccuracy));
            splits.AddRow([.. row]);
        }
        var examples = new HtmlTable("examples", "id", "label", "text");
        foreach (var e in result.Preview.Examples)
            examples.AddRow(e.Id, LabelOf(t, e), e.Text.Length > ShownCharacters
                ? HtmlCell.Text(e.Text[..ShownCharacters] + "…").WithTooltip($"{e.Text.Length} characters")
                : HtmlCell.Text(e.Text));
        return new HtmlOutput().Add(card.ToHtml()).Add(splits.ToHtml()).Add(examples.ToHtml()).ToString();
    }

    static string LabelOf(TaskSummary t, LabelledExample e) => (uint)e.Label < (uint)t.LabelNames.Count ? t.LabelNames[e.Label] : $"#{e.Label}";
}

namespace TtLora.Core.Data;

/// <summary>What a task is and how big and balanced each of its splits is.</summary>
public sealed record TaskSummary(string Name, string Description, IReadOnlyList<string> LabelNames,
    SplitStatistics Train, SplitStatistics Validation, SplitStatistics Test)
{
    /// <summary>One line per split, e.g. <c>train 4000 (ham 68.2%, spam 31.8%)</c>.</summary>
    public override string ToString()
    {
        string Describe(string split, SplitStatistics s) =>
            $"{split} {s.Count} ({string.Join(", ", LabelNames.Select((n, i) => $"{n} {100 * s.LabelFractions[i]:F1}%"))})";
        return $"{Name}: {Description}\n  {Describe("train", Train)}\n  {Describe("validation", Validation)}\n  {Describe("test", Test)}";
    }
}

/// <summary>A task summary with a few training examples, spread over the labels.</summary>
public sealed record TaskPreview(TaskSummary Summary, IReadOnlyList<LabelledExample> Examples)
{
    public override string ToString() =>
        Summary + "\n" + string.Join("\n", Examples.Select(e => $"  [{Summary.LabelNames[e.Label]}] {e.Text}"));
}

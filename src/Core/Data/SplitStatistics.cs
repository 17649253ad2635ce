namespace TtLora.Core.Data;

/// <summary>Size and label balance of one split.</summary>
public sealed record SplitStatistics(int Count, IReadOnlyList<int> LabelCounts)
{
    /// <summary>The most frequent label (the lowest index on ties); -1 for an empty split.</summary>
    public int MajorityLabel => Count == 0 ? -1 : LabelCounts.Select((c, i) => (c, i)).OrderByDescending(p => p.c).ThenBy(p => p.i).First().i;

    /// <summary>Accuracy of always predicting <see cref="MajorityLabel"/> on this split (0 when empty).</summary>
    public double MajorityAccuracy => Count == 0 ? 0 : (double)LabelCounts.Max() / Count;

    /// <summary>Fraction of the split carrying each label.</summary>
    public IReadOnlyList<double> LabelFractions => LabelCounts.Select(c => Count == 0 ? 0.0 : (double)c / Count).ToArray();

    /// <summary>Counts the labels of <paramref name="examples"/>; an index outside [0, labelCount) is an error.</summary>
    public static SplitStatistics Of(IReadOnlyList<LabelledExample> examples, int labelCount)
    {
        var counts = new int[labelCount];
        foreach (var example in examples)
        {
            if ((uint)example.Label >= (uint)labelCount)
                throw new TtLoraException($"example '{example.Id}': label index {example.Label} is outside [0, {labelCount})");
            counts[example.Label]++;
        }
        return new SplitStatistics(examples.Count, counts);
    }
}

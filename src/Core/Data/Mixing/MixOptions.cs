namespace TtLora.Core.Data;

/// <summary>How examples of several tasks are combined into one training stream.</summary>
public enum MixStrategy
{
    /// <summary>Every task contributes as many examples as the smallest task has (a random subset of the larger ones).</summary>
    Balanced,
    /// <summary>Every example of every task: tasks contribute in proportion to their size.</summary>
    Proportional,
    /// <summary>Every task contributes at most <see cref="MixOptions.CapPerTask"/> examples (a random subset when larger).</summary>
    Capped,
}

/// <summary>Mixing strategy and seed.</summary>
public sealed record MixOptions
{
    public MixStrategy Strategy { get; init; } = MixStrategy.Balanced;

    /// <summary>Seed of the subset choice and the final shuffle; the same seed gives the same mix everywhere.</summary>
    public int Seed { get; init; }

    /// <summary>The per-task limit for <see cref="MixStrategy.Capped"/>.</summary>
    public int? CapPerTask { get; init; }
}

/// <summary>An example tagged with the task it belongs to (the router's target).</summary>
public sealed record MixedExample(int TaskIndex, string TaskName, LabelledExample Example);

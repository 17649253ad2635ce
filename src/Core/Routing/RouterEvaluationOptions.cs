using TtLora.Core.Data;

namespace TtLora.Core.Routing;

/// <summary>What <see cref="RouterEvaluator"/> measures.</summary>
public sealed record RouterEvaluationOptions
{
    public DataSplit Split { get; init; } = DataSplit.Test;
    public int BatchSize { get; init; } = 32;
    /// <summary>Use at most this many examples per task (null: all).</summary>
    public int? MaxExamplesPerTask { get; init; }
    /// <summary>Add the router's noise at inference, as the reference does.</summary>
    public bool NoisyInference { get; init; }
    /// <summary>Seed of the example order (batches mix tasks, as routed traffic would).</summary>
    public int Seed { get; init; }
}

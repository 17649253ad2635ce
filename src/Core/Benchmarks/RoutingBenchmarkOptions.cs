using TtLora.Core.Routing;
namespace TtLora.Core.Benchmarks;

/// <summary>Sizes and repeats of <see cref="RoutingBenchmark"/>.</summary>
public sealed record RoutingBenchmarkOptions
{
    /// <summary>Examples per inference batch (a mix of the router's tasks).</summary>
    public int Batch { get; init; } = 32;
    /// <summary>Timed rounds per inference variant (variants interleave round by round).</summary>
    public int Repeats { get; init; } = 10;
    public int Warmup { get; init; } = 2;
    /// <summary>Router-training epochs timed with cached and with recomputed features (no early stopping).</summary>
    public int TrainingEpochs { get; init; } = 5;
    /// <summary>Training examples per task for the training comparison (null: the router's mix).</summary>
    public int? TrainingExamplesPerTask { get; init; }
    public int Seed { get; init; }
    public IProgress<string>? Progress { get; init; }
}

using TtLora.Core.Adapters;
namespace TtLora.Core.Benchmarks;

/// <summary>One measured variant.</summary>
/// <param name="Section">"projection", "training step" or "inference".</param>
/// <param name="Variant">e.g. "lora", "tt-factorized", "base", "lora-merged".</param>
/// <param name="Phase">"forward", "forward+backward", "step" (forward, backward, optimizer).</param>
/// <param name="MedianMilliseconds">Median wall time of one run.</param>
/// <param name="MinMilliseconds">Fastest run.</param>
/// <param name="Runs">Timed runs.</param>
public sealed record BenchmarkTiming(string Section, string Variant, string Phase, double MedianMilliseconds, double MinMilliseconds, int Runs);

/// <summary>A ratio of two medians, with the goal it is meant to meet (if any).</summary>
/// <param name="Name">e.g. "tt-factorized / lora (training step)".</param>
/// <param name="Value">Numerator median / denominator median.</param>
/// <param name="MinimumRatio">The same ratio of the fastest runs: on a machine shared with other work it is the steadier estimate.</param>
/// <param name="Target">The ratio it should stay at or below, or null.</param>
public sealed record BenchmarkRatio(string Name, double Value, double MinimumRatio, double? Target)
{
    /// <summary>Whether the ratio meets its target (true when it has none).</summary>
    public bool MeetsTarget => Target is not double target || Value <= target;
}

/// <summary>Everything one benchmark run measured.</summary>
/// <param name="Options">The sizes used.</param>
/// <param name="Threads">Torch intra-op threads during the run.</param>
/// <param name="Timings">Every variant's timing.</param>
/// <param name="Ratios">The comparisons of interest.</param>
public sealed record AdapterBenchmarkReport(AdapterBenchmarkOptions Options, int Threads, IReadOnlyList<BenchmarkTiming> Timings, IReadOnlyList<BenchmarkRatio> Ratios)
{
    /// <summary>The timing of one variant, or null.</summary>
    public BenchmarkTiming? Find(string section, string variant, string phase) =>
        Timings.FirstOrDefault(t => t.Section == section && t.Variant == variant && t.Phase == phase);
}

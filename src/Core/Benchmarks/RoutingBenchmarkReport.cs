using TtLora.Core.Routing;
using TtLora.Core.Adapters;

namespace TtLora.Core.Benchmarks;

/// <summary>What one routing benchmark measured: inference variants on one mixed batch, and router training with and without the feature cache.</summary>
/// <param name="Router">The router measured.</param>
/// <param name="Threads">Torch intra-op threads.</param>
/// <param name="Batch">Examples per inference batch.</param>
/// <param name="Tokens">Padded width of that batch.</param>
/// <param name="Timings">Every variant's timing ("inference" per batch, "router training" per whole run).</param>
/// <param name="Ratios">Routed / base and recomputed / cached ratios, with targets where the project sets them.</param>
public sealed record RoutingBenchmarkReport(string Router, int Threads, int Batch, long Tokens, IReadOnlyList<BenchmarkTiming> Timings, IReadOnlyList<BenchmarkRatio> Ratios);

using TtLora.Core.Benchmarks;
using TtLora.Core.Adapters;

namespace TtLora.Core.Tests.Adapters;

public class AdapterBenchmarkTests
{
    // Timings are machine-dependent: this only checks that a tiny run measures every variant and ratio.
    [Fact]
    public void ATinyRunProducesEveryTimingAndRatio()
    {
        var lines = new List<string>();
        var options = new AdapterBenchmarkOptions
        {
            Batch = 2, Sequence = 4, InFeatures = 32, OutFeatures = 16, Rank = 2,
            Model = AdapterTestModels.Config, ModelBatch = 2, ModelSequence = 4, Warmup = 1, Repeats = 2, ModelRepeats = 2,
            Progress = new SynchronousProgress(lines),
        };
        var report = AdapterBenchmark.Run(options);

        foreach (var variant in new[] { "none", "lora", "tt-factorized", "tt-contraction", "tt-reconstruction" })
        {
            Assert.NotNull(report.Find(AdapterBenchmark.Projection, variant, AdapterBenchmark.Forward));
            Assert.NotNull(report.Find(AdapterBenchmark.Projection, variant, AdapterBenchmark.ForwardBackward));
        }
        foreach (var variant in new[] { "lora", "tt-factorized", "tt-contraction", "bottleneck" })
            Assert.NotNull(report.Find(AdapterBenchmark.TrainingStep, variant, AdapterBenchmark.Step));
        foreach (var variant in new[] { "base", "lora-merged", "tt-merged", "lora-unmerged" })
            Assert.NotNull(report.Find(AdapterBenchmark.Inference, variant, AdapterBenchmark.Forward));
        Assert.Equal(5 * 2 + 4 + 4, report.Timings.Count);
        Assert.All(report.Timings, t => Assert.True(t.MedianMilliseconds > 0 && t.Runs == 2, $"{t.Variant} {t.Phase}"));
        Assert.Equal(report.Timings.Count, lines.Count);
        Assert.Contains(report.Ratios, r => r.Name == "tt-factorized / lora (training step)" && r.Target == 1.10);
        Assert.Contains(report.Ratios, r => r.Name == "lora-merged / base (inference forward)" && r.Target == 1.02);
        Assert.All(report.Ratios, r => Assert.True(double.IsFinite(r.Value) && r.Value > 0 && double.IsFinite(r.MinimumRatio) && r.MinimumRatio > 0, r.Name));
    }

    [Fact]
    public void CpuTimeAndThreadOptionsWorkAndTheThreadCountIsRestored()
    {
        int before = torch.get_num_threads();
        var report = AdapterBenchmark.Run(new AdapterBenchmarkOptions
        {
            Batch = 2, Sequence = 4, InFeatures = 32, OutFeatures = 32, Rank = 2, Model = AdapterTestModels.Config,
            ModelBatch = 2, ModelSequence = 4, Warmup = 0, Repeats = 1, ModelRepeats = 1, Threads = 1, UseCpuTime = true,
        });
        Assert.Equal(1, report.Threads);
        Assert.Equal(before, torch.get_num_threads());
        Assert.All(report.Timings, t => Assert.True(t.MedianMilliseconds >= 0 && double.IsFinite(t.MedianMilliseconds)));
    }

    sealed class SynchronousProgress(List<string> lines) : IProgress<string>
    {
        public void Report(string value) => lines.Add(value);
    }
}

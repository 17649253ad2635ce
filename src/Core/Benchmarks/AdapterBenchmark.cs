using TtLora.Core.Adapters;
using System.Diagnostics;
using TorchSharp.Modules;
using TtLora.Core.Models;
using TtLora.Core.TensorTrains;
using static TorchSharp.torch;

namespace TtLora.Core.Benchmarks;

/// <summary>
/// Side-by-side timings, rank matched, in one run: (a) one projection with no adapter, LoRA and TT-LoRA on each of
/// its three paths, forward and forward+backward; (b) a small classifier's training step (forward, backward, Adam
/// on the adapter) with each adapter kind; (c) inference with a merged adapter against the plain base model.
/// Medians after warm-up; the ratios compare against the goals (TT-factorized within 1.1x of LoRA for a training
/// step, merged within 1.02x of base).
/// </summary>
public static class AdapterBenchmark
{
    /// <summary>Section names used in the report.</summary>
    public const string Projection = "projection", TrainingStep = "training step", Inference = "inference";

    /// <summary>Phase names used in the report.</summary>
    public const string Forward = "forward", ForwardBackward = "forward+backward", Step = "step";

    private static readonly (string Name, TtForwardPath Path)[] TtPaths =
        [("tt-factorized", TtForwardPath.Factorized), ("tt-contraction", TtForwardPath.Contraction), ("tt-reconstruction", TtForwardPath.Reconstruction)];

    /// <summary>Runs all three sections.</summary>
    public static AdapterBenchmarkReport Run(AdapterBenchmarkOptions options, CancellationToken cancellation = default)
    {
        if (options.Rank < 1) throw new TtLoraException($"benchmark rank must be at least 1, got {options.Rank}");
        if (options.Repeats < 1 || options.ModelRepeats < 1 || options.Warmup < 0) throw new TtLoraException("benchmark needs at least one timed run and no negative warm-up");
        var timings = new List<BenchmarkTiming>();
        void Record(BenchmarkTiming timing)
        {
            timings.Add(timing);
            options.Progress?.Report($"{timing.Section} / {timing.Variant} / {timing.Phase}: median {timing.MedianMilliseconds:F2} ms");
        }

        if (options.Threads is < 1) throw new TtLoraException($"benchmark threads must be at least 1, got {options.Threads}");
        int threadsBefore = torch.get_num_threads();
        int threadsUsed;
        try
        {
            if (options.Threads is int threads) torch.set_num_threads(threads);
            threadsUsed = torch.get_num_threads();
            using (torch.NewDisposeScope())
            {
                MeasureProjection(options, Record, cancellation);
                MeasureTrainingSteps(options, Record, cancellation);
                MeasureInference(options, Record, cancellation);
            }
        }
        finally
        {
            torch.set_num_threads(threadsBefore);
        }

        BenchmarkTiming Of(string section, string variant, string phase) =>
            timings.First(t => t.Section == section && t.Variant == variant && t.Phase == phase);
        var ratios = new List<BenchmarkRatio>();
        void Compare(string section, string phase, string numerator, string denominator, double? target = null)
        {
            var (top, bottom) = (Of(section, numerator, phase), Of(section, denominator, phase));
            ratios.Add(new($"{numerator} / {denominator} ({section}{(phase == Step ? "" : " " + phase)})",
                top.MedianMilliseconds / bottom.MedianMilliseconds, top.MinMilliseconds / bottom.MinMilliseconds, target));
        }
        foreach (var phase in new[] { Forward, ForwardBackward })
        {
            foreach (var (name, _) in TtPaths) Compare(Projection, phase, name, "lora");
            Compare(Projection, phase, "lora", "none");
        }
        Compare(TrainingStep, Step, "tt-factorized", "lora", 1.10);
        Compare(TrainingStep, Step, "tt-contraction", "lora");
        Compare(TrainingStep, Step, "bottleneck", "lora");
        Compare(Inference, Forward, "lora-merged", "base", 1.02);
        Compare(Inference, Forward, "tt-merged", "base", 1.02);
        Compare(Inference, Forward, "lora-unmerged", "base");
        return new AdapterBenchmarkReport(options, threadsUsed, timings, ratios);
    }

    private static void MeasureProjection(AdapterBenchmarkOptions o, Action<BenchmarkTiming> record, CancellationToken cancellation)
    {
        using var scope = torch.NewDisposeScope();
        var generator = new Generator((ulong)o.Seed);
        var linear = nn.Linear(o.InFeatures, o.OutFeatures, hasBias: false);
        foreach (var p in linear.parameters()) p.requires_grad = false;
        var x = torch.randn([o.Batch, o.Sequence, o.InFeatures], generator: generator);
        // In the middle of a network the projection's input needs a gradient, so backward also computes dx.
        var xGrad = x.detach().requires_grad_(true);
        var shape = TtShapePlanner.Plan(o.InFeatures, o.OutFeatures, o.Rank, name: "projection");

        var variants = new List<(string Name, nn.Module<Tensor, Tensor> Module)> { ("none", linear) };
        var lora = new AdaptedLinear("projection", linear);
        lora.AddAdapter("lora", new LoraAdapter(o.InFeatures, o.OutFeatures, o.Rank, 2 * o.Rank, zeroInitB: false, seed: o.Seed));
        variants.Add(("lora", lora));
        foreach (var (name, path) in TtPaths)
        {
            var tt = new AdaptedLinear("projection", linear);
            tt.AddAdapter("tt", new TtLoraAdapter(shape, path: path, seed: o.Seed));
            variants.Add((name, tt));
        }

        var runs = new List<(string Variant, string Phase, Action? Setup, Action Run)>();
        foreach (var (name, module) in variants)
        {
            runs.Add((name, Forward, null, () =>
            {
                using var noGrad = torch.no_grad();
                using var y = module.call(x);
            }));
            runs.Add((name, ForwardBackward, null, () =>
            {
                using var inner = torch.NewDisposeScope();
                module.call(xGrad).sum().backward();
                ClearGrad(xGrad);
                foreach (var p in module.parameters()) ClearGrad(p);
            }));
        }
        foreach (var timing in Interleaved(Projection, runs, o.Warmup, o.Repeats, o.UseCpuTime, cancellation)) record(timing);

        // Every wrapper holds the same frozen Linear: release it so it is disposed once.
        foreach (var (_, module) in variants.Skip(1))
        {
            ((AdaptedModule)module).ReleaseBaseLayer();
            module.Dispose();
        }
        linear.Dispose();
    }

    private static void MeasureTrainingSteps(AdapterBenchmarkOptions o, Action<BenchmarkTiming> record, CancellationToken cancellation)
    {
        using var scope = torch.NewDisposeScope();
        using var model = NewClassifier(o);
        var generator = new Generator((ulong)o.Seed + 1);
        var ids = torch.randint(3, o.Model.VocabSize, [o.ModelBatch, o.ModelSequence], generator: generator, dtype: ScalarType.Int64);
        var labels = torch.randint(0, 2, [o.ModelBatch], generator: generator, dtype: ScalarType.Int64);
        model.train();
        var configs = new (string Name, AdapterConfig Config)[]
        {
            ("lora", new LoraConfig { R = o.Rank, LoraAlpha = 2 * o.Rank, InitLoraWeights = false }),
            ("tt-factorized", new TtLoraConfig { R = o.Rank, Path = TtForwardPath.Factorized }),
            ("tt-contraction", new TtLoraConfig { R = o.Rank, Path = TtForwardPath.Contraction }),
            ("bottleneck", new BottleneckConfig()),
        };
        // All adapters sit on one model and take turns as the active one, so every variant runs on the same
        // wrappers and the timings can be interleaved.
        var injector = new AdapterInjector(model);
        var optimizers = new Dictionary<string, optim.Optimizer>();
        foreach (var (name, config) in configs)
        {
            injector.Inject(config, name, o.Seed);
            optimizers[name] = torch.optim.Adam(injector.TrainableParameters().Select(p => p.Parameter), lr: 1e-4);
        }
        List<(string Variant, string Phase, Action? Setup, Action Run)> runs = [.. configs.Select(c => (Variant: c.Name, Phase: Step, Setup: (Action?)(() =>
        {
            injector.SetActiveAdapter(c.Name);
            injector.Freeze(c.Name);
        }), Run: (Action)(() =>
        {
            using var inner = torch.NewDisposeScope();
            optimizers[c.Name].zero_grad();
            var loss = nn.functional.cross_entropy(model.Forward(ids), labels);
            loss.backward();
            optimizers[c.Name].step();
        })))];
        foreach (var timing in Interleaved(TrainingStep, runs, o.Warmup, o.ModelRepeats, o.UseCpuTime, cancellation)) record(timing);
        foreach (var optimizer in optimizers.Values) optimizer.Dispose();
        injector.Detach();
    }

    private static void MeasureInference(AdapterBenchmarkOptions o, Action<BenchmarkTiming> record, CancellationToken cancellation)
    {
        using var scope = torch.NewDisposeScope();
        using var plain = NewClassifier(o);
        using var loraMerged = NewClassifier(o);
        using var ttMerged = NewClassifier(o);
        using var loraUnmerged = NewClassifier(o);
        var lora = new LoraConfig { R = o.Rank, LoraAlpha = 2 * o.Rank, InitLoraWeights = false };
        new AdapterInjector(loraMerged).Inject(lora, seed: o.Seed);
        new AdapterInjector(loraMerged).Merge();
        new AdapterInjector(ttMerged).Inject(new TtLoraConfig { R = o.Rank }, seed: o.Seed);
        new AdapterInjector(ttMerged).Merge();
        new AdapterInjector(loraUnmerged).Inject(lora, seed: o.Seed);
        var ids = torch.randint(3, o.Model.VocabSize, [o.ModelBatch, o.ModelSequence], generator: new Generator((ulong)o.Seed + 2), dtype: ScalarType.Int64);
        var runs = new (string Name, LlamaForSequenceClassification Model)[]
            { ("base", plain), ("lora-merged", loraMerged), ("tt-merged", ttMerged), ("lora-unmerged", loraUnmerged) }
            .Select(v =>
            {
                v.Model.eval();
                return (v.Name, Forward, (Action?)null, (Action)(() =>
                {
                    using var noGrad = torch.no_grad();
                    using var logits = v.Model.Forward(ids);
                }));
            }).ToList();
        foreach (var timing in Interleaved(Inference, runs, o.Warmup, o.ModelRepeats, o.UseCpuTime, cancellation)) record(timing);
    }

    private static LlamaForSequenceClassification NewClassifier(AdapterBenchmarkOptions o)
    {
        var model = new LlamaForSequenceClassification(o.Model, 2);
        LlamaInitializer.Initialize(model, o.Seed);
        return model;
    }

    // Runs the variants in turn, round after round, so slow drifts of the machine (other load, clock changes)
    // affect every variant alike; ratios of a few percent are only meaningful that way.
    private static IEnumerable<BenchmarkTiming> Interleaved(string section, IReadOnlyList<(string Variant, string Phase, Action? Setup, Action Run)> runs,
        int warmup, int repeats, bool cpuTime, CancellationToken cancellation)
    {
        var samples = runs.Select(_ => new List<double>(repeats)).ToArray();
        for (int round = 0; round < warmup + repeats; round++)
        {
            for (int i = 0; i < runs.Count; i++)
            {
                cancellation.ThrowIfCancellationRequested();
                runs[i].Setup?.Invoke();
                double elapsed;
                if (cpuTime)
                {
                    double start = CpuClock.NowMilliseconds();
                    runs[i].Run();
                    elapsed = CpuClock.NowMilliseconds() - start;
                }
                else
                {
                    var watch = Stopwatch.StartNew();
                    runs[i].Run();
                    elapsed = watch.Elapsed.TotalMilliseconds;
                }
                if (round >= warmup) samples[i].Add(elapsed);
            }
        }
        return runs.Select((r, i) => new BenchmarkTiming(section, r.Variant, r.Phase, MedianOf(samples[i]), samples[i].Min(), samples[i].Count));
    }

    private static void ClearGrad(Tensor tensor)
    {
        tensor.grad?.Dispose();
        tensor.grad = null;
    }

    private static double MedianOf(List<double> values)
    {
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}

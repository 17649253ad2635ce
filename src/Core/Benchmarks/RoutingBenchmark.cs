using TtLora.Core.Routing;
using System.Diagnostics;
using TtLora.Core.Adapters;
using TtLora.Core.Data;
using TtLora.Core.Training;
using static TorchSharp.torch;

namespace TtLora.Core.Benchmarks;

/// <summary>
/// Measures what routing costs (never run by unit tests): on one batch mixing the router's tasks, a plain base
/// forward, routed inference in two passes (the reference) and in one pass (routing from layer K), and the oracle
/// experts in one pass; variants interleave round by round so machine drift does not bias the ratios. Then router
/// training for a fixed number of epochs with features cached once vs recomputed every epoch.
/// </summary>
public static class RoutingBenchmark
{
    /// <summary>The project's goal for single-pass routed inference relative to one base forward.</summary>
    public const double SinglePassTarget = 1.15;

    public static RoutingBenchmarkReport Run(Registry.ExpertRegistry registry, string routerName, IReadOnlyList<TaskSplits> tasks, RoutingBenchmarkOptions options,
        CancellationToken cancellation = default)
    {
        var timings = new List<BenchmarkTiming>();
        var ratios = new List<BenchmarkRatio>();
        long tokens;
        string baseDir;
        RouterConfig config;
        using (var model = RoutedModel.Open(registry, routerName))
        {
            config = model.Config;
            baseDir = model.BaseModelDir;
            var mix = TaskMixer.Mix(tasks, DataSplit.Test, new MixOptions { Seed = options.Seed }).Take(options.Batch).ToArray();
            if (mix.Length == 0) throw new TtLoraException("bench routing: the router's tasks have no test examples");
            var (ids, mask) = model.Encode(mix.Select(m => m.Example.Text).ToArray());
            tokens = ids.shape[1];
            var slots = torch.tensor(mix.Select(m => (long)m.TaskIndex).ToArray(), device: ids.device);
            var variants = new List<(string Name, Action Run)>
            {
                ("base forward", () => { model.Mixture.Selection.Clear(); model.Mixture.Model.Forward(ids, mask).Dispose(); }),
                ("routed two-pass", () => Dispose(model.Run(ids, mask, RoutingPass.TwoPass))),
                ("oracle experts (one pass)", () => model.Mixture.Forward(ids, mask, slots, slots).Dispose()),
            };
            if (model.CanRouteInOnePass) variants.Insert(2, ("routed single-pass", () => Dispose(model.Run(ids, mask, RoutingPass.SinglePass))));
            var runs = variants.ToDictionary(v => v.Name, _ => new List<double>());
            using (torch.no_grad())
                for (int round = -options.Warmup; round < options.Repeats; round++)
                    foreach (var (name, run) in variants)
                    {
                        cancellation.ThrowIfCancellationRequested();
                        using var scope = NewDisposeScope();
                        var clock = Stopwatch.StartNew();
                        run();
                        if (round >= 0) runs[name].Add(clock.Elapsed.TotalMilliseconds);
                    }
            foreach (var (name, _) in variants)
            {
                var sorted = runs[name].Order().ToArray();
                timings.Add(new BenchmarkTiming("inference", name, "forward", sorted[sorted.Length / 2], sorted[0], sorted.Length));
                options.Progress?.Report($"inference / {name}: median {sorted[sorted.Length / 2]:F2} ms");
            }
            void Ratio(string top, string bottom, double? target)
            {
                var t = timings.FirstOrDefault(x => x.Variant == top);
                var b = timings.First(x => x.Variant == bottom);
                if (t is not null) ratios.Add(new BenchmarkRatio($"{top} / {bottom}", t.MedianMilliseconds / b.MedianMilliseconds, t.MinMilliseconds / b.MinMilliseconds, target));
            }
            Ratio("routed two-pass", "base forward", null);
            Ratio("routed single-pass", "base forward", SinglePassTarget);
            Ratio("oracle experts (one pass)", "base forward", null);
        }

        // Router training: the same epochs on cached features and on features recomputed in every batch.
        var trainTasks = options.TrainingExamplesPerTask is int cap
            ? tasks.Select(t => new TaskSplits(t.Task, t.Train.Take(cap).ToArray(), t.Validation.Take(Math.Max(1, cap / 4)).ToArray(), [])).ToArray()
            : tasks;
        var training = new RouterTrainingOptions
        {
            Kind = config.Shape.Kind, TopK = config.Shape.TopK, RouteFromLayer = config.RouteFromLayer, Epochs = options.TrainingEpochs,
            Patience = options.TrainingEpochs, Seed = options.Seed, MlpWidth = config.Shape.MlpWidth, AttentionHeads = config.Shape.AttentionHeads,
            Pooling = config.Shape.Pooling,
        };
        double Time(bool recompute)
        {
            var clock = Stopwatch.StartNew();
            var (_, router) = RouterTrainer.Fit(baseDir, registry, config.Experts, trainTasks, "benchmark", training with { RecomputeFeatures = recompute }, cancellation: cancellation);
            router.Dispose();
            return clock.Elapsed.TotalMilliseconds;
        }
        double cached = Time(false), recomputed = Time(true);
        timings.Add(new BenchmarkTiming("router training", "cached features", $"{options.TrainingEpochs} epochs", cached, cached, 1));
        timings.Add(new BenchmarkTiming("router training", "recomputed features", $"{options.TrainingEpochs} epochs", recomputed, recomputed, 1));
        options.Progress?.Report($"router training: cached {cached / 1000:F1} s, recomputed {recomputed / 1000:F1} s");
        ratios.Add(new BenchmarkRatio("router training: recomputed / cached (speedup)", recomputed / cached, recomputed / cached, null));
        return new RoutingBenchmarkReport(routerName, torch.get_num_threads(), options.Batch, tokens, timings, ratios);
    }

    static void Dispose(RoutedBatch batch)
    {
        batch.Logits.Dispose();
        batch.Routing.CleanLogits.Dispose(); batch.Routing.NoiseScale?.Dispose(); batch.Routing.Logits.Dispose(); batch.Routing.Gates.Dispose(); batch.Routing.Chosen.Dispose();
    }
}

using System.Diagnostics;
using TtLora.Core.Data;
using TtLora.Core.Training;
using static TorchSharp.torch;

namespace TtLora.Core.Routing;

/// <summary>
/// Evaluates a router on held-out data of its experts' tasks, in mixed batches: where inputs are routed (confusion
/// matrix), task accuracy when routed vs with the task's own expert (oracle) vs the baselines, and the time per
/// example of each method on the same batches (with one untimed warm-up batch each).
/// </summary>
/// <remarks>
/// A routed answer counts as correct only when the input reached its own task's expert and that expert's label is
/// right: another expert answers in another label space. The merge baseline uses every task's own head (the oracle
/// task), and the multi-task baseline must pick among all (task, label) pairs.
/// </remarks>
public static class RouterEvaluator
{
    public static RouterEvaluation Evaluate(RoutedModel model, IReadOnlyList<TaskSplits> tasks, RouterEvaluationOptions options,
        ExpertMixture? merged = null, MultiTaskBaseline? multiTask = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        var config = model.Config;
        // Each evaluated task maps to the router's output (and expert) for it; any subset of the router's tasks may be evaluated.
        var routerIndex = tasks.Select(t => config.Tasks.ToList().IndexOf(t.Task.Name)).ToArray();
        if (tasks.Count == 0 || routerIndex.Any(i => i < 0))
        {
            string given = tasks.Count == 0 ? "no task" : string.Join(", ", tasks.Select(t => t.Task.Name));
            throw new TtLoraException($"router \"{config.Name}\" routes tasks {string.Join(", ", config.Tasks)}; evaluation data was given for {given}");
        }
        if (merged is not null && merged.MergedSlot is null) throw new ArgumentException("the merge baseline needs a mixture loaded with its uniform merge", nameof(merged));
        // A capped task contributes a seeded random subset: splits are stored in source order, often grouped by label.
        var examples = tasks.SelectMany((t, i) => (options.MaxExamplesPerTask is int cap
            ? SeededShuffle.Shuffle(t[options.Split], StableHash.Of($"eval-subset/{options.Seed}", t.Task.Name)).Take(cap)
            : t[options.Split]).Select(e => new MixedExample(i, t.Task.Name, e))).ToArray();
        if (examples.Length == 0) throw new TtLoraException($"no {options.Split.ToString().ToLowerInvariant()} examples to evaluate on");
        examples = SeededShuffle.Shuffle(examples, (ulong)options.Seed);
        var mixture = model.Mixture;
        var batcher = new ClassificationBatcher(model.Tokenizer, examples.Select(m => m.Example).ToArray(), model.MaxLength, mixture.PadTokenId ?? 0);
        var device = mixture.Model.Score.weight!.device;

        int taskCount = tasks.Count, expertCount = config.Experts.Count;
        var confusion = Enumerable.Range(0, taskCount).Select(_ => new int[expertCount]).ToArray();
        var counts = new int[taskCount];
        var correct = new Dictionary<string, int[]>();
        var seconds = new Dictionary<string, double>();
        void Count(string method, int task, bool right)
        {
            if (!correct.TryGetValue(method, out var c)) correct[method] = c = new int[taskCount];
            if (right) c[task]++;
        }
        bool singlePass = model.CanRouteInOnePass;
        using var noGrad = torch.no_grad();
        var chunks = ClassificationBatcher.Chunks(Enumerable.Range(0, examples.Length).ToArray(), options.BatchSize).ToArray();
        using var generator = new Generator((ulong)options.Seed + 7);
        for (int b = -1; b < chunks.Length; b++)
        {
            // Batch -1 is the warm-up: the first batch again, untimed and uncounted.
            bool warmUp = b < 0;
            var chunk = chunks[Math.Max(b, 0)];
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var (ids, mask, labels, _) = batcher.Batch(chunk, device);
            var gold = labels.cpu().data<long>().ToArray();
            var taskOf = chunk.Select(i => examples[i].TaskIndex).ToArray();
            var taskSlots = torch.tensor(taskOf.Select(t => (long)routerIndex[t]).ToArray(), device: device);
            T Timed<T>(string method, Func<T> run)
            {
                var clock = Stopwatch.StartNew();
                var result = run();
                if (!warmUp) seconds[method] = seconds.GetValueOrDefault(method) + clock.Elapsed.TotalSeconds;
                return result;
            }
            int[] Predict(Tensor logits) => logits.argmax(-1).cpu().data<long>().Select(v => (int)v).ToArray();

            Timed("base", () => { mixture.Selection.Clear(); return mixture.Model.Model.Forward(ids, mask); });
            var routed = Timed("routed (two-pass)", () => model.Run(ids, mask, RoutingPass.TwoPass, options.NoisyInference, generator));
            var chosen = routed.Routing.Chosen.cpu().data<long>().Select(v => (int)v).ToArray();
            var routedLabels = Predict(routed.Logits);
            int[]? singleLabels = null, singleChosen = null;
            if (singlePass)
            {
                var single = Timed("routed (single-pass)", () => model.Run(ids, mask, RoutingPass.SinglePass, options.NoisyInference, generator));
                singleLabels = Predict(single.Logits);
                singleChosen = single.Routing.Chosen.cpu().data<long>().Select(v => (int)v).ToArray();
            }
            var oracle = Predict(Timed("oracle expert", () => mixture.Forward(ids, mask, taskSlots, taskSlots)));
            int[]? mergeLabels = null, multiLabels = null;
            if (merged is not null)
            {
                var mergeSlots = torch.full(chunk.Length, (long)merged.MergedSlot!.Value, dtype: ScalarType.Int64, device: device);
                mergeLabels = Predict(Timed("uniform merge", () => merged.Forward(ids, mask, mergeSlots, taskSlots)));
            }
            if (multiTask is not null)
                multiLabels = Predict(Timed("multi-task adapter", () => multiTask.Model.Model.Forward(ids, mask)));
            if (warmUp) continue;

            for (int r = 0; r < chunk.Length; r++)
            {
                int task = taskOf[r];
                counts[task]++;
                confusion[task][chosen[r]]++;
                int own = routerIndex[task];
                Count("routing", task, chosen[r] == own);
                Count("routed", task, chosen[r] == own && routedLabels[r] == gold[r]);
                if (singleLabels is not null) Count("single", task, singleChosen![r] == own && singleLabels[r] == gold[r]);
                Count("oracle", task, oracle[r] == gold[r]);
                if (mergeLabels is not null) Count("merge", task, mergeLabels[r] == gold[r]);
                if (multiLabels is not null) Count("multi", task, multiLabels[r] == multiTask!.Offsets[own] + gold[r]);
            }
            progress?.Report(new TrainingProgress("eval", b + 1, chunks.Length, 0, double.NaN, null, 0, TimeSpan.Zero));
        }

        double? Rate(string method, int task) => correct.TryGetValue(method, out var c) ? (double)c[task] / Math.Max(1, counts[task]) : null;
        var perTask = Enumerable.Range(0, taskCount).Select(t => new TaskEvaluation(config.Tasks[routerIndex[t]], config.Experts[routerIndex[t]], counts[t],
            Rate("routing", t)!.Value, Rate("routed", t)!.Value, Rate("oracle", t)!.Value, Rate("merge", t), Rate("multi", t), Rate("single", t))).ToArray();
        double basePerExample = seconds["base"] / examples.Length;
        long experts = mixture.AdapterParameters, router = model.Router.ParameterCount;
        var parameters = new Dictionary<string, long>
        {
            ["base"] = 0, ["routed (two-pass)"] = experts + router, ["routed (single-pass)"] = experts + router, ["oracle expert"] = experts,
            ["uniform merge"] = merged?.AdapterParameters ?? 0, ["multi-task adapter"] = multiTask?.AdapterParameters ?? 0,
        };
        var costs = seconds.Select(kv => new MethodCost(kv.Key, kv.Value / examples.Length * 1000, parameters[kv.Key], kv.Value / examples.Length / basePerExample)).ToArray();
        return new RouterEvaluation(config.Name, RouterKinds.Name(config.Shape.Kind), options.Split.ToString().ToLowerInvariant(), config.Experts, perTask.Select(t => t.Task).ToArray(),
            perTask, confusion, costs, options.NoisyInference, config.RouteFromLayer, options.BatchSize, mixture.Model.parameters().Sum(p => p.numel()));
    }
}

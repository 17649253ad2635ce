using TtLora.Core.Data;
using TtLora.Core.Registry;
using TtLora.Core.Routing;
using TtLora.Core.Training;

namespace TtLora.Core.Demo;

/// <summary>
/// The demo's second half: train the noisy top-1 router over the experts (reused when one over the same experts
/// exists), then evaluate routed vs oracle vs the uniform merge and the multi-task adapter, saving eval.json.
/// </summary>
public static class DemoStageTwo
{
    public const string RouterName = "demo-router";

    public static RouterEvaluation Run(DemoSettings settings, IReadOnlyList<ExpertManifest> experts, IReadOnlyList<TaskSplits> tasks, bool force,
        Action<string> log, IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        var registry = new ExpertRegistry(settings.RegistryDirectory);
        var store = new RouterStore(registry);
        var names = experts.Select(e => e.Name).ToArray();
        bool reuse = !force && store.Contains(RouterName) && store.Get(RouterName).Experts.SequenceEqual(names);
        if (reuse)
        {
            log($"reusing router {RouterName}");
        }
        else
        {
            log($"training router {RouterName} over {names.Length} experts (balanced mixture, noisy top-1)");
            RouterTrainer.Train(settings.BaseDirectory, registry, names, tasks, RouterName, settings.Router, progress: progress, cancellation: cancellation);
        }
        log("evaluating: routed vs oracle vs uniform merge vs multi-task adapter");
        using var routed = RoutedModel.Open(registry, RouterName, settings.BaseDirectory);
        using var multiTask = MultiTaskBaseline.Ensure(settings.BaseDirectory, registry, experts, tasks, device: null, progress, cancellation);
        using var merged = ExpertMixture.Load(registry, names, settings.BaseDirectory, device: null, withUniformMerge: true);
        var evaluation = RouterEvaluator.Evaluate(routed, tasks, settings.Evaluation, merged, multiTask, progress, cancellation);
        evaluation.Save(store.PathOf(RouterName));
        return evaluation;
    }
}

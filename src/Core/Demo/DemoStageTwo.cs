using System.Text.Json.Nodes;
using TtLora.Core.Data;
using TtLora.Core.Registry;
using TtLora.Core.Routing;
using TtLora.Core.Training;

namespace TtLora.Core.Demo;

/// <summary>
/// The demo's second half: train the router over the experts (reused when one over the same experts, base and settings
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
        if (!force && store.Contains(RouterName) && IsReusable(store.Get(RouterName), names, experts[0].BaseModelFingerprint, settings.Router))
        {
            log($"reusing router {RouterName}");
        }
        else
        {
            var r = settings.Router;
            string pooling = RouterPoolings.Applies(r.Kind) ? $", {RouterPoolings.Name(r.Pooling)}-pooled states" : "";
            log($"training router {RouterName} over {names.Length} experts ({r.Mix.ToString().ToLowerInvariant()} mixture, {RouterKinds.Name(r.Kind)}{pooling})");
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

    /// <summary>A saved router is reused only over the same experts on the same base, trained with the same settings.</summary>
    static bool IsReusable(RouterConfig existing, IReadOnlyList<string> experts, string fingerprint, RouterTrainingOptions options) =>
        existing.Experts.SequenceEqual(experts) && existing.BaseModelFingerprint == fingerprint
        && options.ToJson().All(setting => JsonNode.DeepEquals(setting.Value, existing.Training[setting.Key]));
}

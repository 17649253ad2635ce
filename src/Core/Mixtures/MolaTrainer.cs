using TtLora.Core.Adapters;
using TtLora.Core.Data;
using TtLora.Core.Registry;
using TtLora.Core.Routing;
using TtLora.Core.Training;
using static TorchSharp.torch;

namespace TtLora.Core.Mixtures;

/// <summary>
/// Trains a MoLA adapter on several tasks as one (labels <c>task/label</c>, scored right only when task and label are,
/// like the multi-task baseline), with the routers' balance loss and per-epoch routing statistics. The result is a
/// registry expert of kind <c>mola</c>.
/// </summary>
public static class MolaTrainer
{
    public static ExpertManifest Train(string baseModelDir, IReadOnlyList<TaskSplits> tasks, ExpertRegistry registry, string name, MolaConfig config,
        ExpertTrainingOptions options, Device? device = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        if (tasks.Count == 0) throw new TtLoraException("--tasks: give at least one task");
        var data = MultiTaskBaseline.CombinedTask(tasks, options.MaxTrainExamples, options.Seed);
        var adapter = config with { ModulesToSave = [AdapterConfig.HeadModule] };
        return ExpertTrainer.Train(baseModelDir, data, registry, name, options with { Adapter = MolaKind.Instance.Name, MaxTrainExamples = null }, adapter,
            injector => new RouterBalance(injector, config.BalanceCoefficient, config.BalanceScope, config.BalanceTokens).Loop(), device, progress, cancellation);
    }
}

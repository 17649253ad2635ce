using TtLora.Core.Data;
using TtLora.Core.Registry;
using TtLora.Core.Training;

namespace TtLora.Core.Demo;

/// <summary>
/// The demo's first half, resumable: pretrain the base (or reuse a complete one) and train one expert per task
/// (reusing an expert whose manifest shows the same base, task and training configuration). Every artefact is
/// published atomically, so an interrupted demo restarts where it stopped.
/// </summary>
public static class DemoStageOne
{
    /// <summary>What the first half produced: the base's pretraining report, one expert per task, the tasks, and the log.</summary>
    public sealed record Result(PretrainReport Base, IReadOnlyList<ExpertManifest> Experts, IReadOnlyList<TaskSummary> Tasks, IReadOnlyList<string> Log);

    public static Result Run(DemoSettings settings, bool force, Action<string> log, IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        var lines = new List<string>();
        void Say(string line) { lines.Add(line); log(line); }

        Say($"demo tasks: {string.Join(", ", settings.Tasks)} (corpora fetched on first use)");
        var tasks = settings.Tasks.Select(t => DemoSuite.Load(t, Say)).ToArray();

        PretrainReport? report = force ? null : Pretrainer.TryReadReport(settings.BaseDirectory);
        if (report is null)
        {
            Say($"pretraining the base model into {settings.BaseDirectory}");
            var corpus = PretrainingCorpus.Build(new PretrainingOptions { Log = Say });
            report = Pretrainer.Run(corpus.TrainTexts.ToList(), corpus.ValidationTexts.ToList(), settings.BaseDirectory, settings.Pretrain, progress, cancellation);
        }
        else
        {
            Say($"reusing the base model in {settings.BaseDirectory} (validation perplexity {report.ValidationPerplexity:F1})");
        }

        var registry = new ExpertRegistry(settings.RegistryDirectory);
        registry.CleanStaging();
        string fingerprint = ModelFingerprint.Compute(settings.BaseDirectory);
        var options = settings.Expert with { Adapter = settings.Adapter };
        var experts = new List<ExpertManifest>();
        foreach (var task in tasks)
        {
            cancellation.ThrowIfCancellationRequested();
            string name = $"{task.Task.Name}-{settings.Adapter}";
            if (!force && registry.Contains(name) && registry.Get(name) is { } existing
                && existing.BaseModelFingerprint == fingerprint
                && existing.TrainingConfig.ToJsonString() == options.ToJson().ToJsonString())
            {
                Say($"reusing expert {name} (test accuracy {existing.TestAccuracy:P1})");
                experts.Add(existing);
                continue;
            }
            Say($"training expert {name} on {Math.Min(task.Train.Count, options.MaxTrainExamples ?? int.MaxValue)} examples");
            var manifest = ExpertTrainer.Train(settings.BaseDirectory, task, registry, name, options, progress: progress, cancellation: cancellation);
            Say($"  {name}: validation {manifest.ValidationAccuracy:P1}, test {manifest.TestAccuracy:P1} (majority {manifest.MajorityBaseline:P1}), {manifest.TrainingSeconds:F0} s");
            experts.Add(manifest);
        }
        return new Result(report, experts, tasks.Select(t => t.Summary()).ToArray(), lines);
    }
}

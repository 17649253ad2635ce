using System.Text.Json.Nodes;
using TtLora.Core.Data;
using TtLora.Core.Registry;
using TtLora.Core.Training;
using static TorchSharp.torch;

namespace TtLora.Core.Routing;

/// <summary>
/// The multi-task baseline: one adapter of the experts' kind trained on all their tasks at once, as a single
/// classification task whose labels are every (task, label) pair ("topic/animals", ...). It must recognise the task
/// as well as the label, as the routed experts must, so it is a fair comparison. It is trained with the first
/// expert's stage-one settings and cached in the registry as an ordinary expert (<see cref="NameFor"/>).
/// </summary>
public sealed class MultiTaskBaseline : IDisposable
{
    private MultiTaskBaseline(ExpertModel model, IReadOnlyList<int> offsets, bool reused)
    {
        Model = model;
        Offsets = offsets;
        Reused = reused;
    }

    /// <summary>The trained multi-task expert on its base.</summary>
    public ExpertModel Model { get; }

    /// <summary>Where task i's labels start in the combined label list.</summary>
    public IReadOnlyList<int> Offsets { get; }

    /// <summary>Whether it came from the registry rather than being trained now.</summary>
    public bool Reused { get; }

    /// <summary>Adapter values (the combined head excluded).</summary>
    public long AdapterParameters => Model.Manifest.TrainableParameters;

    /// <summary>A registry name determined by the experts and their base.</summary>
    public static string NameFor(IReadOnlyList<ExpertManifest> experts)
    {
        string key = string.Join("|", experts.Select(e => $"{e.Task}:{e.Name}").Order(StringComparer.Ordinal)) + "|" + experts[0].BaseModelFingerprint;
        return $"multitask-{StableHash.Of("multitask", key):x16}";
    }

    /// <summary>
    /// All tasks as one: labels "task/label", examples of every split of every task (ids prefixed by task), the training
    /// examples shuffled so any prefix mixes the tasks. <paramref name="trainPerTask"/> caps each task's training examples
    /// (the experts' <c>max_train_examples</c>, so the baseline sees the same data they saw together).
    /// </summary>
    public static TaskSplits CombinedTask(IReadOnlyList<TaskSplits> tasks, int? trainPerTask = null, long seed = 0)
    {
        var labels = tasks.SelectMany(t => t.Task.LabelNames.Select(l => $"{t.Task.Name}/{l}")).ToArray();
        var offsets = LabelOffsets(tasks);
        // The same subset each expert trained on (splits are grouped by label, so never just the first N).
        IReadOnlyList<LabelledExample> Split(DataSplit split, int? cap) => tasks.SelectMany((t, i) =>
            (cap is int n ? Training.ExpertTrainer.Subsample(t[split], n, seed) : t[split]).Select(e =>
            e with { Id = $"{t.Task.Name}:{e.Id}", SourceId = $"{t.Task.Name}:{e.DocumentId}", Label = e.Label + offsets[i] })).ToArray();
        var definition = new TaskDefinition(CombinedName(tasks), $"all of {string.Join(", ", tasks.Select(t => t.Task.Name))} as one task", labels);
        var train = SeededShuffle.Shuffle(Split(DataSplit.Train, trainPerTask), StableHash.Of("multitask-order", definition.Name));
        return new TaskSplits(definition, train, Split(DataSplit.Validation, null), Split(DataSplit.Test, null));
    }

    /// <summary>Reuses the cached baseline or trains it (with the first expert's settings) and caches it.</summary>
    public static MultiTaskBaseline Ensure(string baseModelDir, ExpertRegistry registry, IReadOnlyList<ExpertManifest> experts, IReadOnlyList<TaskSplits> tasks,
        Device? device = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        string name = NameFor(experts);
        bool reused = registry.Contains(name) && registry.Get(name) is { } cached && cached.Task == CombinedName(tasks)
            && cached.BaseModelFingerprint == experts[0].BaseModelFingerprint;
        if (!reused)
        {
            var options = OptionsFrom(experts[0].TrainingConfig);
            ExpertTrainer.Train(baseModelDir, CombinedTask(tasks, options.MaxTrainExamples, options.Seed), registry, name, options with { MaxTrainExamples = null }, device, progress, cancellation);
        }
        return new MultiTaskBaseline(ExpertModel.Load(registry, name, baseModelDir, device), LabelOffsets(tasks), reused);
    }

    /// <summary>Stage-one options as recorded in an expert's manifest.</summary>
    public static ExpertTrainingOptions OptionsFrom(JsonObject config)
    {
        var d = new ExpertTrainingOptions();
        T Get<T>(string key, T fallback) => config[key] is JsonValue v && v.TryGetValue<T>(out var value) ? value : fallback;
        return d with
        {
            Adapter = Get("adapter", d.Adapter),
            Rank = config["rank"] is JsonValue r ? r.GetValue<int>() : null,
            Alpha = config["alpha"] is JsonValue a ? a.GetValue<double>() : null,
            Targets = config["targets"] is JsonArray targets ? targets.Select(t => t!.GetValue<string>()).ToArray() : d.Targets,
            Layers = config["layers"] is JsonArray layers ? layers.Select(l => l!.GetValue<int>()).ToArray() : null,
            Epochs = Get("epochs", d.Epochs),
            LearningRate = config["learning_rate"] is JsonValue lr ? lr.GetValue<double>() : null,
            BatchSize = Get("batch_size", d.BatchSize),
            Patience = Get("patience", d.Patience),
            TrainHead = Get("train_head", d.TrainHead),
            MaxLength = Get("max_length", d.MaxLength),
            Seed = Get("seed", d.Seed),
            Optimizer = Get("optimizer", d.Optimizer),
            WeightDecay = Get("weight_decay", d.WeightDecay),
            Schedule = Get("schedule", d.Schedule),
            GradientClip = Get("gradient_clip", d.GradientClip),
            MaxTrainExamples = config["max_train_examples"] is JsonValue cap ? cap.GetValue<int>() : null,
        };
    }

    static string CombinedName(IReadOnlyList<TaskSplits> tasks) => "multitask:" + string.Join("+", tasks.Select(t => t.Task.Name));

    static int[] LabelOffsets(IReadOnlyList<TaskSplits> tasks)
    {
        var offsets = new int[tasks.Count];
        for (int i = 1; i < tasks.Count; i++) offsets[i] = offsets[i - 1] + tasks[i - 1].Task.LabelNames.Count;
        return offsets;
    }

    public void Dispose() => Model.Dispose();
}

using System.Diagnostics;
using System.Text.Json.Nodes;
using TtLora.Core.Adapters;
using TtLora.Core.Data;
using TtLora.Core.Models;
using TtLora.Core.Registry;
using TtLora.Core.Tokenizers;
using static TorchSharp.torch;

namespace TtLora.Core.Training;

/// <summary>
/// Stage one: trains one adapter (the expert) for one classification task on the frozen base model, with the
/// Hugging Face classification head (random and frozen by default, as in TT-LoRA MoE). Early stopping watches the
/// validation loss; the kept checkpoint is the one with the best validation accuracy. The expert reaches the
/// registry only when complete: a cancelled or failed run leaves the registry as it was.
/// </summary>
public static class ExpertTrainer
{
    public static ExpertManifest Train(string baseModelDir, TaskSplits data, ExpertRegistry registry, string name,
        ExpertTrainingOptions options, Device? device = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default) =>
        Train(baseModelDir, data, registry, name, options, options.AdapterConfig(), _ => new ClassifierTrainingLoop(), device, progress, cancellation);

    /// <summary>
    /// Trains an adapter of any kind: <paramref name="adapter"/> is its config (one that <paramref name="options"/>' kind
    /// alone cannot express, e.g. a MoLA allocation) and <paramref name="loop"/> makes the training loop from the attached
    /// adapters, so a method adds its auxiliary losses and statistics without another copy of the loop.
    /// </summary>
    public static ExpertManifest Train(string baseModelDir, TaskSplits data, ExpertRegistry registry, string name,
        ExpertTrainingOptions options, AdapterConfig adapter, Func<AdapterInjector, ClassifierTrainingLoop> loop,
        Device? device = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        options.Validate();
        ExpertRegistry.ValidateName(name);
        if (data.Train.Count == 0 || data.Validation.Count == 0)
            throw new TtLoraException($"task \"{data.Task.Name}\": training needs non-empty train and validation splits");
        // Claimed before any work: a second writer of this name is refused now, not after both have trained.
        using var claim = registry.Claim(name);
        device ??= CPU;
        var tokenizer = HfTokenizer.ForModel(baseModelDir);
        int numLabels = data.Task.LabelNames.Count;
        string fingerprint = ModelFingerprint.Compute(baseModelDir);

        torch.manual_seed(options.Seed);
        using var model = LlamaCheckpoint.LoadClassifier(baseModelDir, numLabels, device, seed: options.Seed);
        int pad = model.Config.PadTokenId ?? model.Config.EosTokenId
            ?? throw TtLoraException.InFile(baseModelDir, "config.json has neither pad_token_id nor eos_token_id; classification pooling needs one");
        var config = adapter.ResolveFor(model.Config);
        var injector = new AdapterInjector(model);
        var attachment = injector.Inject(config, seed: options.Seed);
        injector.Freeze(attachment.AdapterName, options.TrainHead);
        var plan = AdapterPlanner.Plan(model.Config, config, numLabels);

        var train = options.MaxTrainExamples is int cap ? Subsample(data.Train, cap, options.Seed) : data.Train;
        var trainBatches = new ClassificationBatcher(tokenizer, train, options.MaxLength, pad);
        var validBatches = new ClassificationBatcher(tokenizer, data.Validation, options.MaxLength, pad);
        var testBatches = data.Test.Count > 0 ? new ClassificationBatcher(tokenizer, data.Test, options.MaxLength, pad) : null;

        var outcome = loop(injector).Run(model, injector.TrainableParameters(), options, trainBatches, validBatches, device, progress, cancellation);
        cancellation.ThrowIfCancellationRequested();
        double testAccuracy = testBatches is null ? double.NaN : Evaluate(model, testBatches, options.BatchSize, device, cancellation).Accuracy;
        double majority = MajorityBaseline(data.Train, data.Test);

        var manifest = new ExpertManifest
        {
            Name = name,
            Task = data.Task.Name,
            TaskDescription = data.Task.Description,
            Labels = data.Task.LabelNames,
            AdapterKind = config.Kind.Name,
            AdapterShape = plan.Describe(),
            TrainableParameters = attachment.AdapterParameters + (options.TrainHead ? model.Score.weight!.numel() : 0),
            ValidationAccuracy = outcome.BestAccuracy,
            ValidationLoss = outcome.BestValidationLoss,
            TestAccuracy = testAccuracy,
            MajorityBaseline = majority,
            TrainingSeconds = outcome.TrainingTime.TotalSeconds,
            TokensPerSecond = outcome.Tokens / outcome.TrainingTime.TotalSeconds,
            EpochsRun = outcome.EpochsRun,
            BestEpoch = outcome.BestEpoch,
            BaseModel = Path.GetFullPath(baseModelDir),
            BaseModelFingerprint = fingerprint,
            Seed = options.Seed,
            TrainingConfig = options.ToJson(),
            History = outcome.History,
        };
        claim.Write(staging =>
        {
            AdapterFiles.Save(staging, model, config with { BaseModelNameOrPath = Path.GetFullPath(baseModelDir) });
            manifest.Save(staging);
            cancellation.ThrowIfCancellationRequested();
        });
        return manifest;
    }

    /// <summary>Mean cross-entropy and accuracy over a whole split, in eval mode without gradients.</summary>
    public static (double Loss, double Accuracy) Evaluate(LlamaForSequenceClassification model, ClassificationBatcher batches, int batchSize, Device device, CancellationToken cancellation = default)
    {
        bool wasTraining = model.training;
        model.eval();
        using var noGrad = torch.no_grad();
        double loss = 0; long correct = 0;
        foreach (var chunk in ClassificationBatcher.Chunks(Enumerable.Range(0, batches.Count).ToArray(), batchSize))
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var (ids, mask, labels, _) = batches.Batch(chunk, device);
            var logits = model.Forward(ids, mask).to(ScalarType.Float32);
            loss += nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.Sum).item<float>();
            correct += logits.argmax(-1).eq(labels).sum().item<long>();
        }
        if (wasTraining) model.train();
        return (loss / batches.Count, (double)correct / batches.Count);
    }

    /// <summary>
    /// A seeded random subset of the training split. Splits are stored grouped by label, so taking the first N would
    /// train on one class only.
    /// </summary>
    public static IReadOnlyList<LabelledExample> Subsample(IReadOnlyList<LabelledExample> train, int count, long seed)
    {
        if (count >= train.Count) return train;
        var random = new Random((int)seed);
        return train.Select(e => (Key: random.Next(), Example: e)).OrderBy(p => p.Key).Take(count).Select(p => p.Example).ToArray();
    }

    /// <summary>Test accuracy of always answering the training split's most frequent label.</summary>
    public static double MajorityBaseline(IReadOnlyList<LabelledExample> train, IReadOnlyList<LabelledExample> test)
    {
        if (test.Count == 0 || train.Count == 0) return double.NaN;
        int majority = train.GroupBy(e => e.Label).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;
        return test.Count(e => e.Label == majority) / (double)test.Count;
    }
}

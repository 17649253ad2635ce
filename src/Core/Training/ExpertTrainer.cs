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
        ExpertTrainingOptions options, Device? device = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        options.Validate();
        ExpertRegistry.ValidateName(name);
        if (data.Train.Count == 0 || data.Validation.Count == 0)
            throw new TtLoraException($"task \"{data.Task.Name}\": training needs non-empty train and validation splits");
        // Claimed before any work: a second writer of this name is refused now, not after both have trained.
        using var claim = registry.Claim(name);
        var clock = Stopwatch.StartNew();
        device ??= CPU;
        var tokenizer = HfTokenizer.ForModel(baseModelDir);
        int numLabels = data.Task.LabelNames.Count;
        string fingerprint = ModelFingerprint.Compute(baseModelDir);

        torch.manual_seed(options.Seed);
        using var model = LlamaCheckpoint.LoadClassifier(baseModelDir, numLabels, device, seed: options.Seed);
        int pad = model.Config.PadTokenId ?? model.Config.EosTokenId
            ?? throw TtLoraException.InFile(baseModelDir, "config.json has neither pad_token_id nor eos_token_id; classification pooling needs one");
        var config = options.AdapterConfig();
        var injector = new AdapterInjector(model);
        var attachment = injector.Inject(config, seed: options.Seed);
        injector.Freeze(attachment.AdapterName, options.TrainHead);
        var trainable = injector.TrainableParameters().Select(p => p.Parameter).ToList();
        var plan = AdapterPlanner.Plan(model.Config, config, numLabels);

        var train = options.MaxTrainExamples is int cap ? Subsample(data.Train, cap, options.Seed) : data.Train;
        var trainBatches = new ClassificationBatcher(tokenizer, train, options.MaxLength, pad);
        var validBatches = new ClassificationBatcher(tokenizer, data.Validation, options.MaxLength, pad);
        var testBatches = data.Test.Count > 0 ? new ClassificationBatcher(tokenizer, data.Test, options.MaxLength, pad) : null;

        double lr = options.EffectiveLearningRate;
        using optim.Optimizer optimizer = options.Optimizer == "adamw"
            ? optim.AdamW(trainable, lr, weight_decay: options.WeightDecay)
            : optim.Adam(trainable, lr, weight_decay: options.WeightDecay);
        int stepsPerEpoch = (int)Math.Ceiling(train.Count / (double)(options.BatchSize * options.GradientAccumulation));
        int totalSteps = stepsPerEpoch * options.Epochs;
        var schedule = new LearningRateSchedule(lr, (int)(options.WarmupFraction * totalSteps), totalSteps, options.Schedule, 0.0);

        var random = new Random((int)options.Seed);
        var history = new JsonArray();
        Dictionary<string, Tensor>? best = null;
        double bestAccuracy = double.NegativeInfinity, bestValLoss = double.PositiveInfinity, lowestValLoss = double.PositiveInfinity;
        int bestEpoch = 0, epochsSinceImprovement = 0, epoch = 0, step = 0;
        long tokens = 0;
        var trainClock = Stopwatch.StartNew();
        try
        {
            for (epoch = 1; epoch <= options.Epochs; epoch++)
            {
                model.train();
                var order = Enumerable.Range(0, trainBatches.Count).OrderBy(_ => random.Next()).ToArray();
                double lossSum = 0; int correct = 0, seen = 0, micro = 0;
                foreach (var chunk in ClassificationBatcher.Chunks(order, options.BatchSize))
                {
                    cancellation.ThrowIfCancellationRequested();
                    using (var scope = NewDisposeScope())
                    {
                        var (ids, mask, labels, batchTokens) = trainBatches.Batch(chunk, device);
                        var logits = model.Forward(ids, mask);
                        var loss = nn.functional.cross_entropy(logits.to(ScalarType.Float32), labels);
                        (loss / options.GradientAccumulation).backward();
                        lossSum += loss.item<float>() * chunk.Length;
                        correct += (int)logits.argmax(-1).eq(labels).sum().item<long>();
                        seen += chunk.Length;
                        tokens += batchTokens;
                    }
                    if (++micro % options.GradientAccumulation != 0 && micro * options.BatchSize < order.Length) continue;
                    LearningRateSchedule.Apply(optimizer, schedule.At(step));
                    if (options.GradientClip > 0) nn.utils.clip_grad_norm_(trainable, options.GradientClip);
                    optimizer.step();
                    optimizer.zero_grad();
                    step++;
                    progress?.Report(new TrainingProgress("train", step, totalSteps, epoch, lossSum / seen, (double)correct / seen,
                        tokens / trainClock.Elapsed.TotalSeconds, trainClock.Elapsed));
                }
                var (valLoss, valAccuracy) = Evaluate(model, validBatches, options.BatchSize, device, cancellation);
                history.Add(new JsonObject { ["epoch"] = epoch, ["train_loss"] = ExpertManifest.Measured(lossSum / seen), ["train_accuracy"] = ExpertManifest.Measured((double)correct / seen),
                    ["validation_loss"] = ExpertManifest.Measured(valLoss), ["validation_accuracy"] = ExpertManifest.Measured(valAccuracy) });
                progress?.Report(new TrainingProgress("validate", step, totalSteps, epoch, lossSum / seen, (double)correct / seen,
                    tokens / trainClock.Elapsed.TotalSeconds, trainClock.Elapsed, valLoss, valAccuracy));
                if (valAccuracy > bestAccuracy || (valAccuracy == bestAccuracy && valLoss < bestValLoss))
                {
                    bestAccuracy = valAccuracy; bestValLoss = valLoss; bestEpoch = epoch;
                    DisposeAll(best);
                    best = Snapshot(injector);
                }
                if (valLoss < lowestValLoss - 1e-6) { lowestValLoss = valLoss; epochsSinceImprovement = 0; }
                else if (++epochsSinceImprovement >= options.Patience) { epoch++; break; }
            }
            int epochsRun = epoch - 1;
            var trainingTime = trainClock.Elapsed;
            Restore(injector, best!);
            cancellation.ThrowIfCancellationRequested();
            double testAccuracy = testBatches is null ? double.NaN : Evaluate(model, testBatches, options.BatchSize, device, cancellation).Accuracy;
            double majority = MajorityBaseline(data.Train, data.Test);

            var manifest = new ExpertManifest
            {
                Name = name,
                Task = data.Task.Name,
                TaskDescription = data.Task.Description,
                Labels = data.Task.LabelNames,
                AdapterKind = options.Adapter,
                AdapterShape = plan.Describe(),
                TrainableParameters = attachment.AdapterParameters + (options.TrainHead ? model.Score.weight!.numel() : 0),
                ValidationAccuracy = bestAccuracy,
                ValidationLoss = bestValLoss,
                TestAccuracy = testAccuracy,
                MajorityBaseline = majority,
                TrainingSeconds = trainingTime.TotalSeconds,
                TokensPerSecond = tokens / trainingTime.TotalSeconds,
                EpochsRun = epochsRun,
                BestEpoch = bestEpoch,
                BaseModel = Path.GetFullPath(baseModelDir),
                BaseModelFingerprint = fingerprint,
                Seed = options.Seed,
                TrainingConfig = options.ToJson(),
                History = history,
            };
            claim.Write(staging =>
            {
                AdapterFiles.Save(staging, model, config with { BaseModelNameOrPath = Path.GetFullPath(baseModelDir) });
                manifest.Save(staging);
                cancellation.ThrowIfCancellationRequested();
            });
            return manifest;
        }
        finally
        {
            DisposeAll(best);
        }
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

    static Dictionary<string, Tensor> Snapshot(AdapterInjector injector) =>
        injector.TrainableParameters().ToDictionary(p => p.Name, p => { var copy = p.Parameter.detach().clone(); copy.DetachFromDisposeScope(); return copy; });

    static void Restore(AdapterInjector injector, Dictionary<string, Tensor> snapshot)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in injector.TrainableParameters()) parameter.copy_(snapshot[name]);
    }

    static void DisposeAll(Dictionary<string, Tensor>? tensors)
    {
        if (tensors is null) return;
        foreach (var t in tensors.Values) t.Dispose();
    }
}

using System.Diagnostics;
using System.Text.Json.Nodes;
using TtLora.Core.Data;
using TtLora.Core.Models;
using TtLora.Core.Registry;
using TtLora.Core.Tokenizers;
using TtLora.Core.Training;
using static TorchSharp.torch;

namespace TtLora.Core.Routing;

/// <summary>
/// Stage two: trains a router over frozen experts from the registry on a mix of their tasks (the target is which
/// task an input belongs to). The base runs once per example to cache the router's features (it is frozen and runs
/// without adapters, so they never change); epochs then train on the cache. Early stopping watches the validation
/// loss; the kept router is the one with the best validation routing accuracy.
/// </summary>
public static class RouterTrainer
{
    /// <summary>Trains and saves a router as <c>&lt;registry&gt;/routers/&lt;name&gt;</c>.</summary>
    /// <param name="tasks">Each expert's task data, in expert order (the task names must be the experts' tasks).</param>
    public static RouterConfig Train(string baseModelDir, ExpertRegistry registry, IReadOnlyList<string> experts, IReadOnlyList<TaskSplits> tasks,
        string name, RouterTrainingOptions options, Device? device = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        var store = new RouterStore(registry);
        // Claimed before training: a second writer of this router name is refused now, not after both have trained.
        using var claim = store.Claim(name);
        var (config, router) = Fit(baseModelDir, registry, experts, tasks, name, options, device, progress, cancellation);
        using (router)
        {
            cancellation.ThrowIfCancellationRequested();
            store.Save(config, router, claim);
        }
        return config;
    }

    /// <summary>Trains a router without saving it (the caller owns it).</summary>
    public static (RouterConfig Config, Router Router) Fit(string baseModelDir, ExpertRegistry registry, IReadOnlyList<string> experts, IReadOnlyList<TaskSplits> tasks,
        string name, RouterTrainingOptions options, Device? device = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        options.Validate();
        device ??= CPU;
        var manifests = ExpertCompatibility.Check(registry, experts, null, $"router \"{name}\"");
        string fingerprint = ModelFingerprint.Compute(baseModelDir);
        if (fingerprint != manifests[0].BaseModelFingerprint)
            throw new TtLoraException($"the experts were trained on base model {manifests[0].BaseModel} ({manifests[0].BaseModelFingerprint}), but {baseModelDir} is a different model ({fingerprint})");
        if (tasks.Count != manifests.Count)
            throw new TtLoraException($"router \"{name}\": {manifests.Count} experts but data for {tasks.Count} tasks");
        for (int i = 0; i < tasks.Count; i++)
            if (tasks[i].Task.Name != manifests[i].Task)
                throw new TtLoraException($"router \"{name}\": expert \"{manifests[i].Name}\" serves task \"{manifests[i].Task}\" but the data given for it is task \"{tasks[i].Task.Name}\"");

        var mix = new MixOptions { Strategy = options.Mix, CapPerTask = options.Cap, Seed = options.Seed };
        var trainMix = TaskMixer.Mix(tasks, DataSplit.Train, mix);
        // Validation is always balanced, so its accuracy weighs every task equally.
        var validMix = TaskMixer.Mix(tasks, DataSplit.Validation, new MixOptions { Seed = options.Seed });
        if (trainMix.Count == 0 || validMix.Count == 0)
            throw new TtLoraException($"router \"{name}\": every task needs training and validation examples (a balanced mix of these tasks is empty)");

        var tokenizer = HfTokenizer.ForModel(baseModelDir);
        using var model = LlamaCheckpoint.LoadClassifier(baseModelDir, 2, device);
        model.eval();
        foreach (var p in model.parameters()) p.requires_grad = false;
        int pad = model.Config.PadTokenId ?? model.Config.EosTokenId
            ?? throw TtLoraException.InFile(baseModelDir, "config.json has neither pad_token_id nor eos_token_id; pooling needs one");
        var extractor = new RouterFeatureExtractor(model.Model, options.RouteFromLayer, model.Config.PadTokenId);
        var shape = new RouterShape(options.Kind, model.Config.HiddenSize, manifests.Count, options.TopK, options.MlpWidth, options.AttentionHeads, options.Pooling);
        var router = Router.Create(shape, options.Seed, device);
        try
        {
            var trainBatches = Batcher(tokenizer, trainMix, options.MaxLength, pad);
            var validBatches = Batcher(tokenizer, validMix, options.MaxLength, pad);
            var clock = Stopwatch.StartNew();
            using var trainCache = options.RecomputeFeatures ? null : Cache(extractor, trainBatches, options.BatchSize, router.NeedsTokens, device, cancellation);
            using var validCache = Cache(extractor, validBatches, options.BatchSize, router.NeedsTokens, device, cancellation);
            double featureSeconds = clock.Elapsed.TotalSeconds;

            var trainable = router.parameters().ToList();
            using var optimizer = optim.Adam(trainable, options.LearningRate);
            using var generator = new Generator((ulong)options.Seed + 1);
            var random = new Random(options.Seed);
            int stepsPerEpoch = (trainMix.Count + options.BatchSize - 1) / options.BatchSize;
            int totalSteps = stepsPerEpoch * options.Epochs, step = 0, bestEpoch = 0, sinceImprovement = 0, epoch;
            double bestAccuracy = double.NegativeInfinity, bestLoss = double.PositiveInfinity, lowestLoss = double.PositiveInfinity, trainAccuracy = 0;
            Dictionary<string, Tensor>? best = null;
            var history = new JsonArray();
            var trainClock = Stopwatch.StartNew();
            try
            {
                for (epoch = 1; epoch <= options.Epochs; epoch++)
                {
                    router.train();
                    var order = Enumerable.Range(0, trainMix.Count).OrderBy(_ => random.Next()).ToArray();
                    double lossSum = 0; int correct = 0, seen = 0;
                    foreach (var chunk in ClassificationBatcher.Chunks(order, options.BatchSize))
                    {
                        cancellation.ThrowIfCancellationRequested();
                        using var scope = NewDisposeScope();
                        var (features, targets) = trainCache is not null
                            ? (trainCache.Batch(chunk), torch.tensor(chunk.Select(i => (long)trainMix[i].TaskIndex).ToArray(), device: device))
                            : Extract(extractor, trainBatches, chunk, router.NeedsTokens, device);
                        var output = router.Route(features, addNoise: true, generator);
                        var loss = nn.functional.cross_entropy(output.Logits, targets).mul(options.LossWeight);
                        optimizer.zero_grad();
                        loss.backward();
                        optimizer.step();
                        lossSum += loss.item<float>() * chunk.Length;
                        correct += (int)output.Chosen.eq(targets).sum().item<long>();
                        seen += chunk.Length;
                        step++;
                        progress?.Report(new TrainingProgress("route-train", step, totalSteps, epoch, lossSum / seen, (double)correct / seen, 0, trainClock.Elapsed));
                    }
                    trainAccuracy = (double)correct / seen;
                    var (validLoss, validAccuracy) = Evaluate(router, validCache, validMix, options, device);
                    history.Add(new JsonObject { ["epoch"] = epoch, ["train_loss"] = lossSum / seen, ["train_accuracy"] = trainAccuracy,
                        ["validation_loss"] = validLoss, ["validation_accuracy"] = validAccuracy });
                    progress?.Report(new TrainingProgress("validate", step, totalSteps, epoch, lossSum / seen, trainAccuracy, 0, trainClock.Elapsed, validLoss, validAccuracy));
                    if (validAccuracy > bestAccuracy || (validAccuracy == bestAccuracy && validLoss < bestLoss))
                    {
                        bestAccuracy = validAccuracy; bestLoss = validLoss; bestEpoch = epoch;
                        DisposeAll(best);
                        best = router.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone().DetachFromDisposeScope());
                    }
                    if (validLoss < lowestLoss - 1e-6) { lowestLoss = validLoss; sinceImprovement = 0; }
                    else if (++sinceImprovement >= options.Patience) { epoch++; break; }
                }
                using (torch.no_grad())
                    foreach (var (key, parameter) in router.named_parameters()) parameter.copy_(best![key]);
            }
            finally
            {
                DisposeAll(best);
            }
            router.eval();
            foreach (var p in router.parameters()) p.requires_grad = false;
            var training = options.ToJson();
            training["examples"] = trainMix.Count;
            training["validation_examples"] = validMix.Count;
            training["epochs_run"] = epoch - 1;
            training["best_epoch"] = bestEpoch;
            training["feature_seconds"] = featureSeconds;
            training["training_seconds"] = trainClock.Elapsed.TotalSeconds;
            training["features_cached"] = !options.RecomputeFeatures;
            training["history"] = history;
            var config = new RouterConfig
            {
                Name = name,
                Shape = shape,
                Experts = manifests.Select(m => m.Name).ToArray(),
                Tasks = manifests.Select(m => m.Task).ToArray(),
                RouteFromLayer = options.RouteFromLayer,
                SinglePass = options.RouteFromLayer is int k && AllAdaptAbove(registry, manifests, model.Config, k),
                LossWeight = options.LossWeight,
                BaseModel = Path.GetFullPath(baseModelDir),
                BaseModelFingerprint = fingerprint,
                Parameters = router.ParameterCount,
                TrainAccuracy = trainAccuracy,
                ValidationAccuracy = bestAccuracy,
                ValidationLoss = bestLoss,
                Training = training,
            };
            return (config, router);
        }
        catch
        {
            router.Dispose();
            throw;
        }
    }

    /// <summary>Computes the router features of every example once.</summary>
    public static RouterFeatureCache Cache(RouterFeatureExtractor extractor, ClassificationBatcher batches, int batchSize, bool keepTokens, Device device, CancellationToken cancellation = default)
    {
        var parts = new List<RouterFeatureBatch>();
        try
        {
            using var noGrad = torch.no_grad();
            foreach (var chunk in ClassificationBatcher.Chunks(Enumerable.Range(0, batches.Count).ToArray(), batchSize))
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var (ids, mask, _, _) = batches.Batch(chunk, device);
                var (prefix, features) = extractor.Run(ids, mask, keepTokens);
                parts.Add(new RouterFeatureBatch(features.LastToken.DetachFromDisposeScope(), features.MeanPooled.DetachFromDisposeScope(),
                    features.MeanEmbedding.DetachFromDisposeScope(), features.Tokens?.DetachFromDisposeScope(), features.TokenMask?.DetachFromDisposeScope()));
            }
            return RouterFeatureCache.FromBatches(parts);
        }
        finally
        {
            foreach (var p in parts) { p.LastToken.Dispose(); p.MeanPooled.Dispose(); p.MeanEmbedding.Dispose(); p.Tokens?.Dispose(); p.TokenMask?.Dispose(); }
        }
    }

    /// <summary>Examples tokenized once, labelled with their task index (the router's target).</summary>
    public static ClassificationBatcher Batcher(HfTokenizer tokenizer, IReadOnlyList<MixedExample> mix, int maxLength, int pad) =>
        new(tokenizer, mix.Select(m => m.Example with { Label = m.TaskIndex }).ToArray(), maxLength, pad);

    static (RouterFeatureBatch, Tensor) Extract(RouterFeatureExtractor extractor, ClassificationBatcher batches, int[] chunk, bool keepTokens, Device device)
    {
        using var noGrad = torch.no_grad();
        var (ids, mask, labels, _) = batches.Batch(chunk, device);
        return (extractor.Run(ids, mask, keepTokens).Features, labels);
    }

    static (double Loss, double Accuracy) Evaluate(Router router, RouterFeatureCache cache, IReadOnlyList<MixedExample> mix, RouterTrainingOptions options, Device device)
    {
        router.eval();
        using var noGrad = torch.no_grad();
        double loss = 0; long correct = 0;
        foreach (var chunk in ClassificationBatcher.Chunks(Enumerable.Range(0, mix.Count).ToArray(), 256))
        {
            using var scope = NewDisposeScope();
            var targets = torch.tensor(chunk.Select(i => (long)mix[i].TaskIndex).ToArray(), device: device);
            var output = router.Route(cache.Batch(chunk), addNoise: false);
            loss += nn.functional.cross_entropy(output.Logits, targets, reduction: nn.Reduction.Sum).item<float>() * options.LossWeight;
            correct += output.Chosen.eq(targets).sum().item<long>();
        }
        router.train();
        return (loss / mix.Count, (double)correct / mix.Count);
    }

    static bool AllAdaptAbove(ExpertRegistry registry, IReadOnlyList<ExpertManifest> manifests, LlamaConfig config, int layer) =>
        manifests.All(m =>
        {
            var adapterConfig = Adapters.AdapterConfig.Load(Path.Combine(registry.PathOf(m.Name), Adapters.AdapterFiles.ConfigFileName));
            return Adapters.AdapterTargets.Select(config, adapterConfig).All(t => t.Site.Layer > layer);
        });

    static void DisposeAll(Dictionary<string, Tensor>? tensors)
    {
        if (tensors is null) return;
        foreach (var t in tensors.Values) t.Dispose();
    }
}

using System.Diagnostics;
using System.Text.Json.Nodes;
using TorchSharp.Modules;
using TtLora.Core.Models;
using TtLora.Core.Registry;
using static TorchSharp.torch;

namespace TtLora.Core.Training;

/// <summary>
/// The epoch loop every classifier training shares: shuffled batches, cross-entropy plus any auxiliary loss (e.g. a
/// load-balancing term), gradient accumulation and clipping, a learning-rate schedule, validation after each epoch,
/// early stopping on validation loss, and keeping the parameters of the best validation accuracy. Methods plug in
/// through <see cref="AuxiliaryLoss"/>, <see cref="EpochStatistics"/>, the parameter groups and the betas, so none
/// copies the loop.
/// </summary>
public sealed class ClassifierTrainingLoop
{
    /// <summary>Called before each training forward with the batch's attention mask <c>[B, S]</c> (e.g. so routers can count real tokens).</summary>
    public Action<Tensor>? BeforeForward { get; init; }

    /// <summary>Extra loss terms after each training forward (null: none); the result is added to the cross-entropy.</summary>
    public Func<Tensor?>? AuxiliaryLoss { get; init; }

    /// <summary>Adds fields to each epoch's history row (e.g. expert load per layer).</summary>
    public Action<int, JsonObject>? EpochStatistics { get; init; }

    /// <summary>Adam's betas; PyTorch's default (0.9, 0.999).</summary>
    public (double Beta1, double Beta2) Betas { get; init; } = (0.9, 0.999);

    /// <summary>False exempts biases and 1-D tensors from weight decay.</summary>
    public bool DecayOneDimensional { get; init; } = true;

    /// <summary>What the loop produced; the model holds the best epoch's parameters.</summary>
    public sealed record Outcome(double BestAccuracy, double BestValidationLoss, int BestEpoch, int EpochsRun, JsonArray History,
        TimeSpan TrainingTime, long Tokens);

    /// <summary>Trains <paramref name="parameters"/> of <paramref name="model"/>; on return they hold the best validation accuracy's values.</summary>
    public Outcome Run(LlamaForSequenceClassification model, IReadOnlyList<(string Name, Parameter Parameter)> parameters, ExpertTrainingOptions options,
        ClassificationBatcher train, ClassificationBatcher validation, Device device, IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        var trainable = parameters.Select(p => p.Parameter).ToList();
        double lr = options.EffectiveLearningRate;
        using var optimizer = ParameterGroups.CreateOptimizer(parameters, options.Optimizer, lr, options.WeightDecay, Betas, DecayOneDimensional);
        int stepsPerEpoch = (int)Math.Ceiling(train.Count / (double)(options.BatchSize * options.GradientAccumulation));
        int totalSteps = stepsPerEpoch * options.Epochs;
        var schedule = new LearningRateSchedule(lr, (int)(options.WarmupFraction * totalSteps), totalSteps, options.Schedule, 0.0);

        var random = new Random((int)options.Seed);
        var history = new JsonArray();
        Dictionary<string, Tensor>? best = null;
        double bestAccuracy = double.NegativeInfinity, bestValLoss = double.PositiveInfinity, lowestValLoss = double.PositiveInfinity;
        int bestEpoch = 0, epochsSinceImprovement = 0, epoch, step = 0;
        long tokens = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            for (epoch = 1; epoch <= options.Epochs; epoch++)
            {
                model.train();
                var order = Enumerable.Range(0, train.Count).OrderBy(_ => random.Next()).ToArray();
                double lossSum = 0; int correct = 0, seen = 0, micro = 0;
                foreach (var chunk in ClassificationBatcher.Chunks(order, options.BatchSize))
                {
                    cancellation.ThrowIfCancellationRequested();
                    using (var scope = NewDisposeScope())
                    {
                        var (ids, mask, labels, batchTokens) = train.Batch(chunk, device);
                        BeforeForward?.Invoke(mask);
                        var logits = model.Forward(ids, mask);
                        var loss = nn.functional.cross_entropy(logits.to(ScalarType.Float32), labels);
                        var total = AuxiliaryLoss?.Invoke() is { } auxiliary ? loss.add(auxiliary) : loss;
                        (total / options.GradientAccumulation).backward();
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
                        tokens / clock.Elapsed.TotalSeconds, clock.Elapsed));
                }
                var (valLoss, valAccuracy) = ExpertTrainer.Evaluate(model, validation, options.BatchSize, device, cancellation);
                // A diverged loss is saved as null: JSON has no Infinity or NaN.
                var row = new JsonObject { ["epoch"] = epoch, ["train_loss"] = ExpertManifest.Measured(lossSum / seen),
                    ["train_accuracy"] = ExpertManifest.Measured((double)correct / seen), ["validation_loss"] = ExpertManifest.Measured(valLoss),
                    ["validation_accuracy"] = ExpertManifest.Measured(valAccuracy) };
                EpochStatistics?.Invoke(epoch, row);
                history.Add(row);
                progress?.Report(new TrainingProgress("validate", step, totalSteps, epoch, lossSum / seen, (double)correct / seen,
                    tokens / clock.Elapsed.TotalSeconds, clock.Elapsed, valLoss, valAccuracy));
                if (valAccuracy > bestAccuracy || (valAccuracy == bestAccuracy && valLoss < bestValLoss))
                {
                    bestAccuracy = valAccuracy; bestValLoss = valLoss; bestEpoch = epoch;
                    DisposeAll(best);
                    best = Snapshot(parameters);
                }
                if (valLoss < lowestValLoss - 1e-6) { lowestValLoss = valLoss; epochsSinceImprovement = 0; }
                else if (++epochsSinceImprovement >= options.Patience) { epoch++; break; }
            }
            var trainingTime = clock.Elapsed;
            Restore(parameters, best!);
            return new Outcome(bestAccuracy, bestValLoss, bestEpoch, epoch - 1, history, trainingTime, tokens);
        }
        finally
        {
            DisposeAll(best);
        }
    }

    static Dictionary<string, Tensor> Snapshot(IReadOnlyList<(string Name, Parameter Parameter)> parameters) =>
        parameters.ToDictionary(p => p.Name, p => { var copy = p.Parameter.detach().clone(); copy.DetachFromDisposeScope(); return copy; });

    static void Restore(IReadOnlyList<(string Name, Parameter Parameter)> parameters, Dictionary<string, Tensor> snapshot)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in parameters) parameter.copy_(snapshot[name]);
    }

    static void DisposeAll(Dictionary<string, Tensor>? tensors)
    {
        if (tensors is null) return;
        foreach (var t in tensors.Values) t.Dispose();
    }
}

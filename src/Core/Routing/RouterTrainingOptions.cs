using System.Text.Json.Nodes;
using TtLora.Core.Data;

namespace TtLora.Core.Routing;

/// <summary>
/// Stage-two settings. Defaults follow TT-LoRA MoE's recipe: Adam at 1e-3, batch 32, early stopping on validation
/// loss, a balanced mix of the experts' tasks, and the supervised routing loss weighted 21.
/// </summary>
/// <remarks>
/// The paper's loss is task cross-entropy + 21 x cross-entropy(noisy router logits, task id). With top-1 gates the
/// gate is softmax over a single finite logit, exactly 1 with zero gradient, so the task term cannot move the router;
/// only the supervised term trains it, and that is the loss used here. It needs only base-model features, which is
/// what lets training run on features computed once.
/// </remarks>
public sealed record RouterTrainingOptions
{
    public RouterKind Kind { get; init; } = RouterKind.NoisyTopK;
    public int TopK { get; init; } = 1;
    /// <summary>Read router features after this decoder layer (null: the final states).</summary>
    public int? RouteFromLayer { get; init; }
    public int Epochs { get; init; } = 30;
    public double LearningRate { get; init; } = 1e-3;
    public int BatchSize { get; init; } = 32;
    public int Patience { get; init; } = 5;
    public double LossWeight { get; init; } = 21;
    public MixStrategy Mix { get; init; } = MixStrategy.Balanced;
    public int? Cap { get; init; }
    public int Seed { get; init; }
    public int MaxLength { get; init; } = 128;
    public int? MlpWidth { get; init; }
    public int AttentionHeads { get; init; } = 4;
    /// <summary>The state the noisy top-k and MLP routers score: the last token's (the paper) or the mean over tokens.</summary>
    public RouterPooling Pooling { get; init; } = RouterPooling.Last;
    /// <summary>
    /// Re-run the base for features in every batch of every epoch instead of once (only to measure what the
    /// feature cache saves; results are identical).
    /// </summary>
    public bool RecomputeFeatures { get; init; }

    public void Validate()
    {
        if (Epochs < 1) throw new TtLoraException($"--epochs must be at least 1, got {Epochs}");
        if (BatchSize < 1) throw new TtLoraException($"--batch-size must be at least 1, got {BatchSize}");
        if (Patience < 1) throw new TtLoraException($"--patience must be at least 1, got {Patience}");
        if (!double.IsFinite(LearningRate) || LearningRate <= 0 || LearningRate > 1) throw new TtLoraException($"--lr must be a positive number of at most 1, got {LearningRate}");
        if (!double.IsFinite(LossWeight) || LossWeight <= 0) throw new TtLoraException($"the routing loss weight must be positive, got {LossWeight}");
        if (MaxLength < 2) throw new TtLoraException($"--max-length must be at least 2, got {MaxLength}");
        if (Mix == MixStrategy.Capped && Cap is not > 0) throw new TtLoraException("--mix capped needs --cap N (N > 0)");
        if (Pooling != RouterPooling.Last && !RouterPoolings.Applies(Kind))
            throw new TtLoraException($"--pooling applies to the noisy-top1 and mlp routers only; the {RouterKinds.Name(Kind)} router pools its own way");
        if (RouteFromLayer is < 0) throw new TtLoraException($"--route-from-layer must be 0 or more, got {RouteFromLayer}");
    }

    public JsonObject ToJson() => new()
    {
        ["router_type"] = RouterKinds.Name(Kind),
        ["top_k"] = TopK,
        ["pooling"] = RouterPoolings.Applies(Kind) ? RouterPoolings.Name(Pooling) : null,
        ["route_from_layer"] = RouteFromLayer,
        ["epochs"] = Epochs,
        ["learning_rate"] = LearningRate,
        ["batch_size"] = BatchSize,
        ["patience"] = Patience,
        ["loss_weight"] = LossWeight,
        ["loss"] = "supervised routing cross-entropy on noisy logits (the task term has zero gradient under top-1 gates)",
        ["mix"] = Mix.ToString().ToLowerInvariant(),
        ["cap"] = Cap,
        ["seed"] = Seed,
        ["max_length"] = MaxLength,
    };
}

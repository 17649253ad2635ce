using System.Text.Json.Nodes;
using TtLora.Core.Adapters;

namespace TtLora.Core.Training;

/// <summary>
/// Stage-one settings. Defaults follow the TT-LoRA MoE recipe (Adam, batch 32, early stopping on validation loss,
/// best-validation-accuracy checkpoint, frozen random head, adapters on q_proj and v_proj) scaled for a small base:
/// fewer epochs and a shorter patience, since the demo tasks have hundreds of examples rather than tens of thousands.
/// </summary>
public sealed record ExpertTrainingOptions
{
    /// <summary>The adapter kind's name (<see cref="Adapters.AdapterKinds"/>).</summary>
    public string Adapter { get; init; } = "tt-lora";
    /// <summary>TT rank (default 5), LoRA rank (default 16), or the bottleneck width of block adapters (default hidden / 16).</summary>
    public int? Rank { get; init; }
    /// <summary>TT-LoRA's plain multiplier (default 16) or LoRA's alpha (default 8, scaling alpha/r).</summary>
    public double? Alpha { get; init; }
    public IReadOnlyList<string> Targets { get; init; } = ["q_proj", "v_proj"];
    /// <summary>Decoder layers that get adapters (null = all); "train only above layer K" enables single-pass routing.</summary>
    public IReadOnlyList<int>? Layers { get; init; }
    public int Epochs { get; init; } = 8;
    /// <summary>Null: the kind's default (PAPERS.md: 5e-3 for TT-LoRA, 5e-4 for LoRA, 1e-4 for the bottleneck adapter).</summary>
    public double? LearningRate { get; init; }
    public int BatchSize { get; init; } = 32;
    public int GradientAccumulation { get; init; } = 1;
    public int Patience { get; init; } = 3;
    public bool TrainHead { get; init; }
    public int MaxLength { get; init; } = 128;
    public long Seed { get; init; } = 0;
    public string Optimizer { get; init; } = "adam";
    public double WeightDecay { get; init; } = 0.0;
    public string Schedule { get; init; } = "constant";
    public double WarmupFraction { get; init; } = 0.0;
    public double GradientClip { get; init; } = 1.0;
    /// <summary>Use at most this many training examples (null = all); handy for quick runs.</summary>
    public int? MaxTrainExamples { get; init; }

    /// <summary>The adapter kind these options name.</summary>
    public AdapterKind Kind => AdapterKinds.Named(Adapter);

    public double EffectiveLearningRate => LearningRate ?? Kind.DefaultLearningRate;

    /// <summary>The adapter configuration these options describe (every expert saves its head), validated against nothing yet.</summary>
    public AdapterConfig AdapterConfig() =>
        Kind.FromOptions(new AdapterOptions { Rank = Rank, Alpha = Alpha, Targets = Kind.AttachesToLinear ? Targets : null, Layers = Layers, SaveHead = true });

    public void Validate()
    {
        _ = Kind;
        if (Rank is < 1) throw new TtLoraException($"--rank must be at least 1, got {Rank}");
        if (Epochs < 1) throw new TtLoraException($"--epochs must be at least 1, got {Epochs}");
        if (BatchSize < 1) throw new TtLoraException($"--batch-size must be at least 1, got {BatchSize}");
        if (GradientAccumulation < 1) throw new TtLoraException($"--grad-accum must be at least 1, got {GradientAccumulation}");
        if (Patience < 1) throw new TtLoraException($"--patience must be at least 1, got {Patience}");
        if (MaxLength < 2) throw new TtLoraException($"--max-length must be at least 2, got {MaxLength}");
        if (MaxLength > 1 << 20) throw new TtLoraException($"--max-length must be at most {1 << 20:N0}, got {MaxLength}");
        // Past 1 every optimizer step overshoots; NaN or infinity would train for nothing and fail only when saving.
        if (!double.IsFinite(EffectiveLearningRate) || EffectiveLearningRate <= 0 || EffectiveLearningRate > 1)
            throw new TtLoraException($"--lr must be a positive number of at most 1, got {EffectiveLearningRate}");
        if (!double.IsFinite(WeightDecay) || WeightDecay < 0) throw new TtLoraException($"--weight-decay must be zero or a positive number, got {WeightDecay}");
        if (Alpha is double a && (!double.IsFinite(a) || a <= 0)) throw new TtLoraException($"--alpha must be a positive number, got {a}");
        if (MaxTrainExamples is < 1) throw new TtLoraException($"--max-train-examples must be at least 1, got {MaxTrainExamples}");
        if (!double.IsFinite(WarmupFraction) || WarmupFraction is < 0 or > 1) throw new TtLoraException($"warmup fraction must be between 0 and 1, got {WarmupFraction}");
        if (!double.IsFinite(GradientClip) || GradientClip < 0) throw new TtLoraException($"gradient clip must be zero or positive, got {GradientClip}");
        if (Optimizer is not ("adam" or "adamw")) throw new TtLoraException($"--optimizer: expected adam or adamw, got \"{Optimizer}\"");
        if (!LearningRateSchedule.Kinds.Contains(Schedule)) throw new TtLoraException($"--schedule: expected one of {string.Join(", ", LearningRateSchedule.Kinds)}, got \"{Schedule}\"");
    }

    public JsonObject ToJson() => new()
    {
        ["adapter"] = Adapter,
        ["rank"] = Rank,
        ["alpha"] = Alpha,
        ["targets"] = new JsonArray(Targets.Select(t => (JsonNode?)t).ToArray()),
        ["layers"] = Layers is null ? null : new JsonArray(Layers.Select(l => (JsonNode?)l).ToArray()),
        ["epochs"] = Epochs,
        ["learning_rate"] = EffectiveLearningRate,
        ["batch_size"] = BatchSize,
        ["gradient_accumulation"] = GradientAccumulation,
        ["patience"] = Patience,
        ["train_head"] = TrainHead,
        ["max_length"] = MaxLength,
        ["seed"] = Seed,
        ["optimizer"] = Optimizer,
        ["weight_decay"] = WeightDecay,
        ["schedule"] = Schedule,
        ["warmup_fraction"] = WarmupFraction,
        ["gradient_clip"] = GradientClip,
        ["max_train_examples"] = MaxTrainExamples,
        ["train_subset"] = MaxTrainExamples is null ? "all" : "seeded-random",
    };
}

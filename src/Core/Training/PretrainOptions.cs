using System.Text.Json.Nodes;
using TtLora.Core.Models;

namespace TtLora.Core.Training;

/// <summary>How to pretrain the tiny base model. The defaults fit the 8-minute budget on a 2-core CPU.</summary>
public sealed record PretrainOptions
{
    public int VocabSize { get; init; } = 4096;
    /// <summary>Architecture; its vocab_size is replaced by the trained tokenizer's.</summary>
    public LlamaConfig Architecture { get; init; } = ModelPresets.Get("small");
    public int SequenceLength { get; init; } = 128;
    public int BatchSize { get; init; } = 16;
    public int Steps { get; init; } = 900;
    public double LearningRate { get; init; } = 3e-3;
    public int WarmupSteps { get; init; } = 60;
    public double WeightDecay { get; init; } = 0.1;
    public double GradientClip { get; init; } = 1.0;
    /// <summary>Characters of training text used to learn the tokenizer (BPE training cost grows with it).</summary>
    public long TokenizerTrainingChars { get; init; } = 4_000_000;
    public int ValidationBatches { get; init; } = 8;
    public int EvaluateEvery { get; init; } = 200;
    public long Seed { get; init; } = 0;

    /// <summary>Throws a <see cref="TtLoraException"/> naming the option before any work starts.</summary>
    public void Validate()
    {
        if (VocabSize > LlamaConfig.MaxVocabSize) throw new TtLoraException($"--vocab-size must be at most {LlamaConfig.MaxVocabSize:N0}, got {VocabSize}");
        if (SequenceLength is < 2 or > 1 << 20) throw new TtLoraException($"--seq-len must be between 2 and {1 << 20:N0}, got {SequenceLength}");
        if (BatchSize < 1) throw new TtLoraException($"--batch-size must be at least 1, got {BatchSize}");
        if (TokenizerTrainingChars < 1) throw new TtLoraException($"--tokenizer-chars must be at least 1, got {TokenizerTrainingChars}");
        if (Steps < 1) throw new TtLoraException($"--steps must be at least 1, got {Steps}");
        if (!double.IsFinite(LearningRate) || LearningRate <= 0 || LearningRate > 1) throw new TtLoraException($"--lr must be a positive number of at most 1, got {LearningRate}");
        if (WarmupSteps < 0) throw new TtLoraException($"warmup steps must be zero or more, got {WarmupSteps}");
        if (!double.IsFinite(WeightDecay) || WeightDecay < 0) throw new TtLoraException($"--weight-decay must be zero or a positive number, got {WeightDecay}");
        if (!double.IsFinite(GradientClip) || GradientClip < 0) throw new TtLoraException($"gradient clip must be zero or positive, got {GradientClip}");
        if (ValidationBatches < 1 || EvaluateEvery < 1) throw new TtLoraException("validation batches and evaluation interval must be at least 1");
    }

    public JsonObject ToJson() => new()
    {
        ["vocab_size"] = VocabSize,
        ["architecture"] = Architecture.ToJson(),
        ["sequence_length"] = SequenceLength,
        ["batch_size"] = BatchSize,
        ["steps"] = Steps,
        ["learning_rate"] = LearningRate,
        ["warmup_steps"] = WarmupSteps,
        ["weight_decay"] = WeightDecay,
        ["gradient_clip"] = GradientClip,
        ["tokenizer_training_chars"] = TokenizerTrainingChars,
        ["validation_batches"] = ValidationBatches,
        ["seed"] = Seed,
    };
}

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

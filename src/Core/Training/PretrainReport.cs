using System.Text.Json.Nodes;

namespace TtLora.Core.Training;

/// <summary>What pretraining produced: the folder, its quality and its cost.</summary>
public sealed record PretrainReport(
    string ModelDirectory,
    long Parameters,
    int VocabSize,
    int Steps,
    long TrainingTokens,
    double TrainLoss,
    double ValidationLoss,
    TimeSpan TokenizerTime,
    TimeSpan TrainingTime,
    double TokensPerSecond,
    bool Reused = false)
{
    public double ValidationPerplexity => Math.Exp(ValidationLoss);

    public JsonObject ToJson() => new()
    {
        ["model_directory"] = ModelDirectory,
        ["parameters"] = Parameters,
        ["vocab_size"] = VocabSize,
        ["steps"] = Steps,
        ["training_tokens"] = TrainingTokens,
        // JSON has no NaN or infinity: a diverged loss is written as null.
        ["train_loss"] = Registry.ExpertManifest.Measured(TrainLoss),
        ["validation_loss"] = Registry.ExpertManifest.Measured(ValidationLoss),
        ["validation_perplexity"] = Registry.ExpertManifest.Measured(ValidationPerplexity),
        ["tokenizer_seconds"] = TokenizerTime.TotalSeconds,
        ["training_seconds"] = TrainingTime.TotalSeconds,
        ["tokens_per_second"] = TokensPerSecond,
    };

    public static PretrainReport FromJson(JsonNode json, bool reused) => new(
        json["model_directory"]!.GetValue<string>(),
        json["parameters"]!.GetValue<long>(),
        json["vocab_size"]!.GetValue<int>(),
        json["steps"]!.GetValue<int>(),
        json["training_tokens"]!.GetValue<long>(),
        json["train_loss"]?.GetValue<double>() ?? double.NaN,
        json["validation_loss"]?.GetValue<double>() ?? double.NaN,
        TimeSpan.FromSeconds(json["tokenizer_seconds"]!.GetValue<double>()),
        TimeSpan.FromSeconds(json["training_seconds"]!.GetValue<double>()),
        json["tokens_per_second"]!.GetValue<double>(),
        reused);
}

using System.Text.Json.Nodes;
using TtLora.Core.Models;
using TtLora.Core.Routing;
using TtLora.Core.Training;

namespace TtLora.Core.Demo;

/// <summary>
/// What the offline demo runs. The full configuration fits about 20 minutes on a 2-core CPU; the quick one
/// (tiny base, capped data) exists for CI and for notebooks' quick settings and takes a couple of minutes.
/// </summary>
public sealed record DemoSettings
{
    public required string OutputDirectory { get; init; }
    public IReadOnlyList<string> Tasks { get; init; } = Data.DemoSuite.TaskNames;
    public string Adapter { get; init; } = "tt-lora";
    public PretrainOptions Pretrain { get; init; } = new();
    public ExpertTrainingOptions Expert { get; init; } = new() { Epochs = 4, MaxTrainExamples = 1200, MaxLength = 96, Patience = 2 };
    /// <summary>
    /// The paper's noisy top-1 router, but scoring the mean of the final states rather than the last token's: on the
    /// demo's 4M-parameter base the last state mostly encodes the next word, and a last-token router identifies the task
    /// in about two thirds of cases against close to nine in ten for the mean (measured on the full demo; see README).
    /// The higher learning rate suits the cached-feature training, which is seconds long.
    /// </summary>
    public RouterTrainingOptions Router { get; init; } = new() { MaxLength = 96, Pooling = RouterPooling.Mean, LearningRate = 1e-2 };
    public RouterEvaluationOptions Evaluation { get; init; } = new() { MaxExamplesPerTask = 300 };
    public bool Quick { get; init; }

    public string BaseDirectory => Path.Combine(OutputDirectory, "base");
    public string RegistryDirectory => Path.Combine(OutputDirectory, "registry");

    public static DemoSettings Full(string output) => new() { OutputDirectory = output };

    public static DemoSettings QuickRun(string output) => new()
    {
        OutputDirectory = output,
        Quick = true,
        Pretrain = new PretrainOptions
        {
            Architecture = ModelPresets.Get("tiny"), VocabSize = 1024, Steps = 150, BatchSize = 16, SequenceLength = 64,
            WarmupSteps = 15, EvaluateEvery = 150, TokenizerTrainingChars = 1_000_000, LearningRate = 5e-3,
        },
        Expert = new ExpertTrainingOptions { Epochs = 2, MaxTrainExamples = 240, MaxLength = 64, Patience = 2 },
        Router = new RouterTrainingOptions { MaxLength = 64, Epochs = 15, Mix = Data.MixStrategy.Capped, Cap = 240, Pooling = RouterPooling.Mean, LearningRate = 1e-2 },
        Evaluation = new RouterEvaluationOptions { MaxExamplesPerTask = 60 },
    };

    public JsonObject ToJson() => new()
    {
        ["output_directory"] = OutputDirectory,
        ["tasks"] = new JsonArray(Tasks.Select(t => (JsonNode?)t).ToArray()),
        ["adapter"] = Adapter,
        ["quick"] = Quick,
        ["pretrain"] = Pretrain.ToJson(),
        ["expert"] = Expert.ToJson(),
        ["router"] = Router.ToJson(),
    };
}

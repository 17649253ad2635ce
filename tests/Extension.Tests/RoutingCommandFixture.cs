using TtLora.Core.Data;
using TtLora.Core.Models;
using TtLora.Core.Training;

namespace TtLora.Extension.Tests;

/// <summary>
/// A tiny base pretrained briefly on passages of two small demo tasks, and one quick expert per task trained through
/// the <c>train</c> verb into a registry: enough for the router verbs to run end to end in seconds.
/// </summary>
public sealed class RoutingCommandFixture : IDisposable
{
    public static readonly string[] Tasks = ["fortune-category", "reuters-grain"];

    readonly TempFolder folder = new();

    public RoutingCommandFixture()
    {
        var texts = Tasks.SelectMany(t => DemoSuite.Load(t).Train.Take(150)).Select(e => e.Text).ToList();
        var options = new PretrainOptions
        {
            VocabSize = 400, Architecture = ModelPresets.Get("tiny"), SequenceLength = 32, BatchSize = 8, Steps = 60,
            WarmupSteps = 5, LearningRate = 5e-3, EvaluateEvery = 60, ValidationBatches = 1, TokenizerTrainingChars = 100_000,
        };
        Pretrainer.Run(texts.Skip(20).ToList(), texts.Take(20).ToList(), BaseDir, options);
        foreach (var task in Tasks)
        {
            var outcome = CliHarness.Run("train", "--task", task, "--model", BaseDir, "--registry", Registry, "--name", task,
                "--epochs", "1", "--max-train-examples", "64", "--max-length", "32", "--batch-size", "32");
            if (outcome.ExitCode != 0) throw new InvalidOperationException($"training the {task} expert failed: {outcome.Error}");
        }
    }

    public string BaseDir => folder["base"];
    public string Registry => folder["registry"];
    public string this[string name] => folder[name];

    public void Dispose() => folder.Dispose();
}

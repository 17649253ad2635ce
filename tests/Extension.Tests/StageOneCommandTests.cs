using TtLora.Core.Data;
using TtLora.Core.Models;
using TtLora.Core.Tokenizers;

namespace TtLora.Extension.Tests;

/// <summary>
/// The stage-one verbs wired end to end on the user's own files: a tiny random base (trained tokenizer, random
/// weights), a JSONL task, `train`, `experts`, `predict`, `experts remove`. Accuracy is the Core tests' business;
/// here the plumbing, the files and the messages are checked.
/// </summary>
public class StageOneCommandTests
{
    static string TinyBase(TempFolder tmp)
    {
        var trainer = new ByteLevelBpeTrainer(320);
        foreach (var text in Texts) trainer.Add(text);
        string tokenizer = tmp["tokenizer.json"];
        trainer.Train().Save(tokenizer);
        string dir = tmp["base"];
        RandomCheckpoint.Create(dir, ModelPresets.Get("tiny"), tokenizer, seed: 1);
        return dir;
    }

    static readonly string[] Texts = ["the cat sleeps", "a dog barks", "the server crashed", "a kernel panics", "the horse runs", "the compiler fails"];

    static string WriteData(TempFolder tmp, string name, int copies)
    {
        var examples = Enumerable.Range(0, copies).SelectMany(c => Texts.Select((t, i) => new LabelledExample($"{c}-{i}", t, i % 2 == 0 ? 0 : 1))).ToList();
        // Label 0 = animals (even rows), 1 = computers: written by name, read back by name.
        string path = tmp[name];
        ExampleFiles.Write(path, examples, ["animals", "computers"]);
        return path;
    }

    [Fact]
    public void TrainListPredictRemoveOnOwnFiles()
    {
        using var tmp = new TempFolder("ttlora-cli-");
        string baseDir = TinyBase(tmp);
        string registry = tmp["registry"];
        string train = WriteData(tmp, "train.jsonl", 4), valid = WriteData(tmp, "valid.jsonl", 1), test = WriteData(tmp, "test.jsonl", 1);

        var trained = CliHarness.Run("train", "--task", "mine", "--train-file", train, "--validation-file", valid, "--test-file", test,
            "--model", baseDir, "--registry", registry, "--adapter", "lora", "--epochs", "1", "--batch-size", "8", "--json");
        Assert.True(trained.ExitCode == 0, trained.Error);
        Assert.Equal("mine-lora", trained.Json["name"]!.GetValue<string>());
        Assert.Equal(["animals", "computers"], trained.Json["labels"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.True(File.Exists(Path.Combine(registry, "mine-lora", "adapter_model.safetensors")));
        Assert.True(File.Exists(Path.Combine(registry, "mine-lora", "expert.json")));

        var listed = CliHarness.Run("experts", "--registry", registry, "--json");
        Assert.Equal("mine-lora", listed.Json["experts"]![0]!["name"]!.GetValue<string>());
        Assert.True(listed.Json["experts"]![0]!["best_for_task"]!.GetValue<bool>());

        var predicted = CliHarness.Run("predict", "--expert", "mine-lora", "--registry", registry, "--model", baseDir, "--text", "the cat sleeps", "--json");
        Assert.True(predicted.ExitCode == 0, predicted.Error);
        var probabilities = predicted.Json["predictions"]![0]!["probabilities"]!.AsArray().Select(n => n!.GetValue<float>()).ToArray();
        Assert.Equal(1.0, probabilities.Sum(), 4);

        var removed = CliHarness.Run("experts", "remove", "mine-lora", "--registry", registry);
        Assert.Equal(0, removed.ExitCode);
        Assert.False(Directory.Exists(Path.Combine(registry, "mine-lora")));
        var again = CliHarness.Run("experts", "remove", "mine-lora", "--registry", registry);
        Assert.Equal(CommandRunner.Failure, again.ExitCode);
        Assert.Contains("\"mine-lora\" is not in the registry", again.Error);
    }

    [Fact]
    public void TrainingDataErrorsNameFileAndRow()
    {
        using var tmp = new TempFolder("ttlora-cli-");
        File.WriteAllText(tmp["bad.jsonl"], "{\"text\": \"fine\", \"label\": \"a\"}\n{\"text\": \"broken\"\n");
        var outcome = CliHarness.Run("train", "--train-file", tmp["bad.jsonl"], "--model", tmp.Path);
        Assert.NotEqual(0, outcome.ExitCode);
        Assert.DoesNotContain("   at ", outcome.Error);
        var missing = CliHarness.Run("train", "--model", tmp.Path);
        Assert.Equal(CommandRunner.UsageError, missing.ExitCode);
        Assert.Contains("give --task (a demo task) or --train-file", missing.Error);
        var unknown = CliHarness.Run("train", "--task", "sst2", "--model", tmp.Path);
        Assert.Contains("not a demo task", unknown.Error);
    }
}

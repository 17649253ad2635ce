using TtLora.Core.Data;
using TtLora.Core.Models;
using TtLora.Core.Tokenizers;

namespace TtLora.Kernel.Tests.Reliability;

/// <summary>
/// A tiny world for the reliability tests, built once: a base model with its own trained tokenizer, a small
/// two-label JSONL task, and a registry holding one trained expert. Cases copy what they break.
/// </summary>
public sealed class ReliabilityWorkspace : IDisposable
{
    readonly TempFolder folder = new("ttlora-reliability-");

    public static readonly string[] Texts = ["the cat sleeps", "a dog barks", "the server crashed", "a kernel panics", "the horse runs", "the compiler fails"];

    public ReliabilityWorkspace()
    {
        var trainer = new ByteLevelBpeTrainer(320);
        foreach (var text in Texts) trainer.Add(text);
        Tokenizer = folder["tokenizer.json"];
        trainer.Train().Save(Tokenizer);
        BaseModel = folder["base"];
        RandomCheckpoint.Create(BaseModel, ModelPresets.Get("tiny"), Tokenizer, seed: 1);
        TrainFile = WriteData("train.jsonl", 4);
        ValidationFile = WriteData("valid.jsonl", 1);
        Registry = folder["registry"];
        var trained = ChildProcess.Ttlora(TrainArgs("good", Registry, epochs: 1), Environment);
        Assert.True(trained.ExitCode == 0, $"training the workspace's expert failed: {trained.Error}");
    }

    public string Path => folder.Path;
    public string this[string name] => folder[name];
    public string BaseModel { get; }
    public string Tokenizer { get; }
    public string TrainFile { get; }
    public string ValidationFile { get; }
    public string Registry { get; }

    /// <summary>Bug reports (logs of unexpected exceptions) land here, so a test can see that none was written.</summary>
    public string Cache => folder["cache"];

    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?> { ["TTLORA_CACHE"] = Cache };

    /// <summary>Arguments of a small `train` on the workspace's task.</summary>
    public string[] TrainArgs(string name, string registry, int epochs = 1, params string[] more) =>
    [
        "train", "--task", "mine", "--train-file", TrainFile, "--validation-file", ValidationFile, "--model", BaseModel,
        "--registry", registry, "--adapter", "lora", "--rank", "2", "--epochs", $"{epochs}", "--batch-size", "8", "--name", name, .. more,
    ];

    /// <summary>A copy of the base model folder, to break.</summary>
    public string CopyOfBase(string name)
    {
        string dir = folder.Sub(name);
        foreach (var file in Directory.GetFiles(BaseModel)) File.Copy(file, System.IO.Path.Combine(dir, System.IO.Path.GetFileName(file)));
        return dir;
    }

    string WriteData(string name, int copies)
    {
        var examples = Enumerable.Range(0, copies)
            .SelectMany(c => Texts.Select((t, i) => new LabelledExample($"{c}-{i}", t, i % 2 == 0 ? 0 : 1))).ToList();
        string path = folder[name];
        ExampleFiles.Write(path, examples, ["animals", "computers"]);
        return path;
    }

    public void Dispose() => folder.Dispose();
}

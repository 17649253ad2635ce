using TtLora.Core.Data;
using TtLora.Core.Models;
using TtLora.Core.Training;

namespace TtLora.Core.Tests.Training;

/// <summary>
/// A tiny base model pretrained once per test class on templated sentences about two topics, plus a labelled
/// topic task built from held-out sentences of the same kind.
/// </summary>
public sealed class TinyBaseFixture : IDisposable
{
    static readonly string[][] Topics =
    [
        ["the cat", "a dog", "the horse", "a bird", "the fox", "a rabbit", "the cow", "a sheep"],
        ["the compiler", "a server", "the database", "a kernel", "the network", "a laptop", "the router", "a program"],
    ];
    static readonly string[][] Verbs =
    [
        ["eats grass", "sleeps in the barn", "runs across the field", "drinks from the river", "hides in the forest", "chases a mouse"],
        ["crashes at night", "compiles the code", "stores the records", "sends packets", "runs the tests", "allocates memory"],
    ];

    readonly TempFolder folder = new();

    public TinyBaseFixture()
    {
        var options = new PretrainOptions
        {
            VocabSize = 400, Architecture = ModelPresets.Get("tiny"), SequenceLength = 32, BatchSize = 8, Steps = 150,
            WarmupSteps = 10, LearningRate = 5e-3, EvaluateEvery = 150, ValidationBatches = 2,
        };
        Pretrainer.Run(Sentences(400, 1).Select(s => s.Text).ToList(), Sentences(40, 2).Select(s => s.Text).ToList(), BaseDir, options);
        var task = new TaskDefinition("topic", "animals vs computers", ["animals", "computers"]);
        Task = new TaskSplits(task, Examples(160, 10, "tr"), Examples(48, 11, "va"), Examples(64, 12, "te"));
    }

    public string BaseDir => folder["base"];
    public TaskSplits Task { get; }
    public TempFolder Folder => folder;

    static List<(string Text, int Label)> Sentences(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            int label = random.Next(2);
            string text = $"{Topics[label][random.Next(8)]} {Verbs[label][random.Next(6)]}.";
            return (text, label);
        }).ToList();
    }

    static List<LabelledExample> Examples(int count, int seed, string prefix) =>
        Sentences(count, seed).Select((s, i) => new LabelledExample($"{prefix}{i}", s.Text, s.Label)).ToList();

    public void Dispose() => folder.Dispose();
}

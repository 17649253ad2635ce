using TtLora.Core.Data;
using TtLora.Core.Models;
using TtLora.Core.Registry;
using TtLora.Core.Training;

namespace TtLora.Core.Tests.Routing;

/// <summary>
/// A tiny base pretrained once on templated sentences of three synthetic tasks with different label counts (topic:
/// 2, mood: 2, weather: 3), and experts for them in a registry: one set adapting every layer with three adapter kinds
/// (TT-LoRA, LoRA, bottleneck), and one TT-LoRA set adapting only the last layer (for single-pass routing from layer 0).
/// </summary>
public sealed class RoutingFixture : IDisposable
{
    static readonly (string Name, string Description, string[] Labels, string[][] Subjects, string[][] Predicates)[] Specs =
    [
        ("topic", "animals vs computers", ["animals", "computers"],
            [["the cat", "a dog", "the horse", "a bird", "the fox", "a rabbit"], ["the compiler", "a server", "the database", "a kernel", "the network", "a laptop"]],
            [["eats grass", "sleeps in the barn", "runs across the field", "hides in the forest"], ["crashes at night", "compiles the code", "stores the records", "sends packets"]]),
        ("mood", "liked vs disliked", ["liked", "disliked"],
            [["i loved this movie", "we adored the show", "she enjoyed the book", "they liked the song"], ["i hated this movie", "we loathed the show", "she disliked the book", "they despised the song"]],
            [["so much , wonderful !", "a lot , brilliant !", "truly , great fun !"], ["so much , awful !", "a lot , boring !", "truly , a waste !"]]),
        ("weather", "sunny, rainy or snowy", ["sunny", "rainy", "snowy"],
            [["today in paris", "this morning in rome", "tonight in madrid"], ["today in london", "this morning in dublin", "tonight in oslo"], ["today in moscow", "this morning in helsinki", "tonight in quebec"]],
            [["the sky is clear and hot", "bright sunshine all day"], ["heavy rain and wet streets", "showers and grey clouds"], ["deep snow and icy roads", "snowflakes and freezing wind"]]),
    ];

    readonly TempFolder folder = new();

    public RoutingFixture()
    {
        var options = new PretrainOptions
        {
            VocabSize = 400, Architecture = ModelPresets.Get("tiny"), SequenceLength = 32, BatchSize = 8, Steps = 150,
            WarmupSteps = 10, LearningRate = 5e-3, EvaluateEvery = 150, ValidationBatches = 2,
        };
        var corpus = Enumerable.Range(0, Specs.Length).SelectMany(t => Sentences(t, 150, 100 + t)).Select(s => s.Text).OrderBy(s => StableHash.Of("order", s)).ToList();
        var validation = Enumerable.Range(0, Specs.Length).SelectMany(t => Sentences(t, 15, 200 + t)).Select(s => s.Text).ToList();
        Pretrainer.Run(corpus, validation, BaseDir, options);
        Tasks = Enumerable.Range(0, Specs.Length).Select(t =>
        {
            var spec = Specs[t];
            var definition = new TaskDefinition(spec.Name, spec.Description, spec.Labels);
            return new TaskSplits(definition, Examples(t, 120, 10, "tr"), Examples(t, 36, 11, "va"), Examples(t, 45, 12, "te"));
        }).ToArray();

        Registry = new ExpertRegistry(folder.Sub("registry"));
        string[] kinds = ["tt-lora", "lora", "bottleneck"];
        for (int t = 0; t < Tasks.Count; t++)
        {
            ExpertTrainer.Train(BaseDir, Tasks[t], Registry, AllLayerExperts[t], new ExpertTrainingOptions
            {
                Adapter = kinds[t], Epochs = 6, BatchSize = 16, LearningRate = kinds[t] == "bottleneck" ? 2e-3 : 5e-3, Patience = 6, Seed = t,
            });
            ExpertTrainer.Train(BaseDir, Tasks[t], Registry, TopLayerExperts[t], new ExpertTrainingOptions
            {
                Adapter = "tt-lora", Layers = [1], Epochs = 6, BatchSize = 16, LearningRate = 5e-3, Patience = 6, Seed = 10 + t,
            });
        }
    }

    public string BaseDir => folder["base"];
    public TempFolder Folder => folder;
    public IReadOnlyList<TaskSplits> Tasks { get; }
    public ExpertRegistry Registry { get; }
    public IReadOnlyList<string> AllLayerExperts { get; } = ["topic-tt", "mood-lora", "weather-bn"];
    public IReadOnlyList<string> TopLayerExperts { get; } = ["topic-top", "mood-top", "weather-top"];

    static List<(string Text, int Label)> Sentences(int task, int count, int seed)
    {
        var spec = Specs[task];
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            int label = random.Next(spec.Labels.Length);
            var subjects = spec.Subjects[label];
            var predicates = spec.Predicates[label];
            return ($"{subjects[random.Next(subjects.Length)]} {predicates[random.Next(predicates.Length)]}.", label);
        }).ToList();
    }

    static List<LabelledExample> Examples(int task, int count, int seed, string prefix) =>
        Sentences(task, count, seed * 7 + task).Select((s, i) => new LabelledExample($"{Specs[task].Name}-{prefix}{i}", s.Text, s.Label)).ToList();

    public void Dispose() => folder.Dispose();
}

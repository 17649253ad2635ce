using TtLora.Core.Models;
using TtLora.Core.Tokenizers;
using TtLora.Core.Training;

namespace TtLora.Core.Tests.Training;

public sealed class PretrainerTests
{
    /// <summary>Simple, learnable text: a few sentence templates with varied fillers.</summary>
    static List<string> Documents(int count, int seed)
    {
        string[] subjects = ["the fox", "a dog", "the expert", "the router", "a student", "the teacher"];
        string[] verbs = ["jumps over", "reads", "trains", "routes", "writes", "watches"];
        string[] objects = ["the fence", "a book", "the model", "each input", "the notebook", "a tensor"];
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => string.Join(" ", Enumerable.Range(0, 6).Select(__ =>
            $"{subjects[random.Next(subjects.Length)]} {verbs[random.Next(verbs.Length)]} {objects[random.Next(objects.Length)]}."))).ToList();
    }

    static PretrainOptions Tiny => new()
    {
        VocabSize = 400,
        Architecture = ModelPresets.Get("tiny"),
        SequenceLength = 32,
        BatchSize = 8,
        Steps = 120,
        WarmupSteps = 10,
        LearningRate = 5e-3,
        EvaluateEvery = 60,
        ValidationBatches = 2,
    };

    [Fact]
    public void LearnsTheTextAndWritesAHuggingFaceFolder()
    {
        using var folder = new TempFolder();
        var events = new List<TrainingProgress>();
        var report = Pretrainer.Run(Documents(300, 1), Documents(40, 2), folder["base"], Tiny, new CallbackProgress<TrainingProgress>(events.Add));

        // Uniform guessing over the vocabulary costs ln(V) nats; templated text must be learnt far below that.
        Assert.True(report.ValidationLoss < 0.5 * Math.Log(report.VocabSize), $"validation loss {report.ValidationLoss:F3} vs ln V = {Math.Log(report.VocabSize):F3}");
        Assert.Equal(120, events.Count(e => e.Phase == "pretrain"));
        Assert.Equal(2, events.Count(e => e.ValidationLoss is not null));

        using var model = LlamaCheckpoint.LoadCausalLM(folder["base"]);
        var tokenizer = HfTokenizer.FromPath(folder["base"]);
        Assert.Equal(model.Config.VocabSize, tokenizer.VocabSize);
        Assert.Equal(report.Parameters, model.parameters().Sum(p => p.numel()));
        var again = Pretrainer.TryReadReport(folder["base"]);
        Assert.NotNull(again);
        Assert.Equal(report.ValidationLoss, again!.ValidationLoss);
        Assert.Empty(Directory.GetDirectories(folder.Path, "base.tmp-*"));
    }

    [Fact]
    public void SameSeedGivesTheSameModel()
    {
        using var folder = new TempFolder();
        var options = Tiny with { Steps = 15, EvaluateEvery = 15 };
        var a = Pretrainer.Run(Documents(100, 1), Documents(20, 2), folder["a"], options);
        var b = Pretrainer.Run(Documents(100, 1), Documents(20, 2), folder["b"], options);
        Assert.Equal(a.ValidationLoss, b.ValidationLoss);
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder["a"], "model.safetensors")), File.ReadAllBytes(Path.Combine(folder["b"], "model.safetensors")));
    }

    [Fact]
    public void CancellationLeavesNoModelBehind()
    {
        using var folder = new TempFolder();
        using var cancel = new CancellationTokenSource();
        var progress = new CallbackProgress<TrainingProgress>(e => { if (e.Step == 5) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => Pretrainer.Run(Documents(100, 1), Documents(20, 2), folder["base"], Tiny, progress, cancel.Token));
        Assert.False(Directory.Exists(folder["base"]));
        // Only the (empty, hidden) lock file every writer of "base" shares stays; no staging, no half model.
        Assert.Equal([folder[".base.lock"]], Directory.GetFileSystemEntries(folder.Path));
    }
}

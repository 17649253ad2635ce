using TtLora.Core.Registry;
using TtLora.Core.Training;

namespace TtLora.Core.Tests.Training;

public sealed class ExpertTrainerTests(TinyBaseFixture fixture) : IClassFixture<TinyBaseFixture>
{
    [Theory]
    [InlineData("tt-lora", 5e-3)]
    [InlineData("lora", 5e-3)]
    [InlineData("parallel", 5e-3)]
    public void ExpertBeatsTheMajorityBaselineAndLandsInTheRegistry(string kind, double lr)
    {
        var registry = new ExpertRegistry(fixture.Folder.Sub("registry-" + kind));
        var options = new ExpertTrainingOptions { Adapter = kind, Epochs = 6, BatchSize = 16, LearningRate = lr, Patience = 6 };
        var events = new List<TrainingProgress>();
        var manifest = ExpertTrainer.Train(fixture.BaseDir, fixture.Task, registry, $"topic-{kind}", options, progress: new CallbackProgress<TrainingProgress>(events.Add));

        // Two balanced topics: the majority baseline is near 50%; templated topics are easy, so demand a clear margin.
        Assert.True(manifest.TestAccuracy >= manifest.MajorityBaseline + 0.25, $"{kind}: test accuracy {manifest.TestAccuracy:P1} vs majority {manifest.MajorityBaseline:P1}");
        Assert.Equal(kind, manifest.AdapterKind);
        Assert.True(manifest.TrainableParameters > 0);
        Assert.Contains(events, e => e.ValidationAccuracy is not null);
        Assert.Equal([$"topic-{kind}"], registry.List().Select(m => m.Name));
        Assert.Empty(Directory.GetDirectories(registry.Root, ".*"));

        // The saved expert predicts like the trained one did on the held-out split.
        using var expert = ExpertModel.Load(registry, $"topic-{kind}", fixture.BaseDir);
        var probabilities = expert.Predict(fixture.Task.Test.Select(e => e.Text).ToArray());
        double accuracy = probabilities.Select((p, i) => Array.IndexOf(p, p.Max()) == fixture.Task.Test[i].Label ? 1.0 : 0.0).Average();
        Assert.Equal(manifest.TestAccuracy, accuracy, 6);
    }

    [Fact]
    public void AnExpertIsRefusedOnADifferentBaseModel()
    {
        var registry = new ExpertRegistry(fixture.Folder.Sub("registry-refuse"));
        ExpertTrainer.Train(fixture.BaseDir, fixture.Task, registry, "e", new ExpertTrainingOptions { Epochs = 1, BatchSize = 32 });
        string other = fixture.Folder.Sub("other-base");
        foreach (var file in Directory.GetFiles(fixture.BaseDir)) File.Copy(file, Path.Combine(other, Path.GetFileName(file)));
        var weights = File.ReadAllBytes(Path.Combine(other, "model.safetensors"));
        weights[^1] ^= 0x40;
        File.WriteAllBytes(Path.Combine(other, "model.safetensors"), weights);
        var e = Assert.Throws<TtLoraException>(() => ExpertModel.Load(registry, "e", other));
        Assert.Contains("was trained on base model", e.Message);
        Assert.Contains("is a different model", e.Message);
    }

    [Fact]
    public void CancellingKeepsThePreviousExpertAndLeavesNoPartialOne()
    {
        var registry = new ExpertRegistry(fixture.Folder.Sub("registry-cancel"));
        var first = ExpertTrainer.Train(fixture.BaseDir, fixture.Task, registry, "e", new ExpertTrainingOptions { Epochs = 1, BatchSize = 32 });
        var before = Directory.GetFiles(registry.PathOf("e")).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        using var cancel = new CancellationTokenSource();
        var progress = new CallbackProgress<TrainingProgress>(p => { if (p.Step == 3) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => ExpertTrainer.Train(fixture.BaseDir, fixture.Task, registry, "e",
            new ExpertTrainingOptions { Epochs = 3, BatchSize = 8, Seed = 9 }, progress: progress, cancellation: cancel.Token));
        var after = Directory.GetFiles(registry.PathOf("e")).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (file, bytes) in before) Assert.Equal(bytes, after[file]);
        Assert.Equal(first.Created, registry.Get("e").Created);
        Assert.Empty(Directory.GetDirectories(registry.Root, ".*"));
    }

    [Fact]
    public void BadOptionsAreNamed()
    {
        var registry = new ExpertRegistry(fixture.Folder.Sub("registry-bad"));
        Assert.Contains("--rank must be at least 1", Assert.Throws<TtLoraException>(() =>
            ExpertTrainer.Train(fixture.BaseDir, fixture.Task, registry, "x", new ExpertTrainingOptions { Rank = 0 })).Message);
        Assert.Contains("--adapter", Assert.Throws<TtLoraException>(() =>
            ExpertTrainer.Train(fixture.BaseDir, fixture.Task, registry, "x", new ExpertTrainingOptions { Adapter = "prefix" })).Message);
        Assert.Contains("not a valid expert or router name", Assert.Throws<TtLoraException>(() =>
            ExpertTrainer.Train(fixture.BaseDir, fixture.Task, registry, "../x", new ExpertTrainingOptions())).Message);
        Assert.Contains("is not in the registry", Assert.Throws<TtLoraException>(() => registry.Get("nope")).Message);
    }
}

public sealed class ExpertManifestTests
{
    [Fact]
    public void AnUnmeasuredTestAccuracyRoundTripsAsNull()
    {
        using var folder = new TempFolder();
        var manifest = new ExpertManifest
        {
            Name = "x", Task = "t", Labels = ["a", "b"], AdapterKind = "lora", TrainableParameters = 10,
            ValidationAccuracy = 0.75, TestAccuracy = double.NaN, MajorityBaseline = double.NaN,
            BaseModel = "base", BaseModelFingerprint = "sha256:0",
        };
        manifest.Save(folder.Path);
        Assert.Contains("\"test_accuracy\": null", File.ReadAllText(folder["expert.json"]));
        var loaded = ExpertManifest.Load(folder.Path);
        Assert.True(double.IsNaN(loaded.TestAccuracy));
        Assert.Equal(0.75, loaded.ValidationAccuracy);
    }
}

public sealed class SubsampleTests
{
    [Fact]
    public void ACappedTrainingSetKeepsEveryLabelOfALabelSortedSplit()
    {
        // Demo splits are stored grouped by label; the cap must not cut one class away.
        var train = Enumerable.Range(0, 1000).Select(i => new TtLora.Core.Data.LabelledExample($"e{i}", $"text {i}", i < 700 ? 0 : 1)).ToArray();
        var subset = ExpertTrainer.Subsample(train, 200, seed: 3);
        Assert.Equal(200, subset.Count);
        Assert.Equal(200, subset.Select(e => e.Id).Distinct().Count());
        double ones = subset.Count(e => e.Label == 1) / 200.0;
        Assert.InRange(ones, 0.2, 0.4);
        Assert.Equal(subset.Select(e => e.Id), ExpertTrainer.Subsample(train, 200, seed: 3).Select(e => e.Id));
    }
}

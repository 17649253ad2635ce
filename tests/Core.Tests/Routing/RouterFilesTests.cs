using System.Text.Json.Nodes;
using TtLora.Core.Registry;
using TtLora.Core.Routing;
using TtLora.Core.Training;

namespace TtLora.Core.Tests.Routing;

[Collection(RoutingCollection.Name)]
public sealed class RouterFilesTests(RoutingFixture fixture)
{
    static readonly RouterTrainingOptions Quick = new() { Epochs = 3 };

    [Fact]
    public void ASavedRouterReloadsToIdenticalScores()
    {
        var (config, trained) = RouterTrainer.Fit(fixture.BaseDir, fixture.Registry, fixture.AllLayerExperts, fixture.Tasks, "reload", Quick);
        var store = new RouterStore(fixture.Registry);
        using (trained) store.Save(config, trained);
        string folder = store.PathOf("reload");
        Assert.True(File.Exists(Path.Combine(folder, RouterConfig.FileName)));
        Assert.True(File.Exists(Path.Combine(folder, RouterConfig.WeightsFileName)));
        Assert.Empty(Directory.GetDirectories(store.Root, ".*"));
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, RouterConfig.FileName)))!;
        Assert.Equal("noisy-top1", json["router_type"]!.GetValue<string>());
        Assert.Equal(fixture.AllLayerExperts, json["experts"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(ModelFingerprint.Compute(fixture.BaseDir), json["base_model_fingerprint"]!.GetValue<string>());

        var texts = fixture.Tasks.SelectMany(t => t.Test.Take(3)).Select(e => e.Text).ToArray();
        IReadOnlyList<RoutedPrediction> first, second;
        using (var model = RoutedModel.Open(fixture.Registry, "reload")) first = model.Classify(texts);
        using (var model = RoutedModel.Open(fixture.Registry, "reload", fixture.BaseDir)) second = model.Classify(texts);
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.Equal(first[i].CleanLogits, second[i].CleanLogits);
            Assert.Equal(first[i].NoiseScale!, second[i].NoiseScale!);
            Assert.Equal(first[i].Probabilities, second[i].Probabilities);
            Assert.Equal(first[i].LabelLogits, second[i].LabelLogits);
            Assert.Equal(first[i].Experts[first[i].ChosenExpert], first[i].ExpertName);
            Assert.True(first[i].NoiseScale!.All(s => s > 0), "softplus noise scales are positive");
            Assert.Equal(1.0, first[i].Probabilities.Sum(), 5);
            Assert.Equal(first[i].LabelLogits.Length, fixture.Registry.Get(first[i].ExpertName).Labels.Count);
        }
        // The router itself, reloaded, scores cached features exactly as the trained one did.
        var (_, reloaded) = store.Load("reload");
        using (reloaded)
            Assert.Equal(config.Parameters, reloaded.ParameterCount);
    }

    [Fact]
    public void ARouterNamingAMissingExpertIsRefusedByName()
    {
        using var copy = new TempFolder();
        var registry = CopyRegistry(fixture.Registry, copy.Path);
        RouterTrainer.Train(fixture.BaseDir, registry, fixture.AllLayerExperts, fixture.Tasks, "orphan", Quick);
        registry.Remove("mood-lora");
        var e = Assert.Throws<TtLoraException>(() => RoutedModel.Open(registry, "orphan"));
        Assert.Contains("router \"orphan\" names expert \"mood-lora\", which is not in the registry", e.Message);
        Assert.Contains("router \"absent\" is not in", Assert.Throws<TtLoraException>(() => RoutedModel.Open(registry, "absent")).Message);
    }

    [Fact]
    public void ExpertsFromDifferentBaseModelsAreRefused()
    {
        using var copy = new TempFolder();
        var registry = CopyRegistry(fixture.Registry, copy.Path);
        string otherBase = copy.Sub("other-base");
        foreach (var file in Directory.GetFiles(fixture.BaseDir)) File.Copy(file, Path.Combine(otherBase, Path.GetFileName(file)));
        var weights = File.ReadAllBytes(Path.Combine(otherBase, "model.safetensors"));
        weights[^4] ^= 0x01; // the lowest mantissa bit of the last value: a different, still finite model
        File.WriteAllBytes(Path.Combine(otherBase, "model.safetensors"), weights);
        ExpertTrainer.Train(otherBase, fixture.Tasks[1], registry, "mood-elsewhere", new ExpertTrainingOptions { Epochs = 1 });

        var e = Assert.Throws<TtLoraException>(() => RouterTrainer.Train(fixture.BaseDir, registry, ["topic-tt", "mood-elsewhere", "weather-bn"], fixture.Tasks, "mixed", Quick));
        Assert.Contains("experts \"topic-tt\" and \"mood-elsewhere\" were trained on different base models", e.Message);
        var wrongBase = Assert.Throws<TtLoraException>(() => RouterTrainer.Train(otherBase, registry, fixture.AllLayerExperts, fixture.Tasks, "r", Quick));
        Assert.Contains("is a different model", wrongBase.Message);

        // A saved router whose experts were later replaced by ones from another base is refused too.
        RouterTrainer.Train(fixture.BaseDir, registry, fixture.AllLayerExperts, fixture.Tasks, "stale", Quick);
        ExpertTrainer.Train(otherBase, fixture.Tasks[0], registry, "topic-tt", new ExpertTrainingOptions { Epochs = 1 });
        var stale = Assert.Throws<TtLoraException>(() => RoutedModel.Open(registry, "stale"));
        Assert.Contains("were trained on different base models", stale.Message);
    }

    internal static ExpertRegistry CopyRegistry(ExpertRegistry source, string into)
    {
        string root = Path.Combine(into, "registry");
        foreach (var dir in Directory.GetDirectories(source.Root).Where(d => !Path.GetFileName(d).StartsWith('.') && Path.GetFileName(d) != RouterStore.FolderName))
        {
            string target = Directory.CreateDirectory(Path.Combine(root, Path.GetFileName(dir))).FullName;
            foreach (var file in Directory.GetFiles(dir)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
        return new ExpertRegistry(root);
    }
}

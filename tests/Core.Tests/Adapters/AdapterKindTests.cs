using TtLora.Core.Adapters;
using TtLora.Core.Formats;
using TtLora.Core.Models;

namespace TtLora.Core.Tests.Adapters;

/// <summary>The kind registry, files saved before the kinds became plug-ins, and the size checks that run before allocation.</summary>
public class AdapterKindTests
{
    static string FixtureFolder(string name) => Path.Combine(TestPaths.RepositoryRoot, "tests", "fixtures", "adapters", name);

    [Theory]
    [InlineData("tt-lora")]
    [InlineData("lora")]
    [InlineData("bottleneck")]
    public void FoldersSavedByEarlierVersionsLoadToIdenticalLogits(string kind)
    {
        using var model = LlamaCheckpoint.LoadClassifier(FixtureFolder("base"));
        model.eval();
        AdapterFiles.LoadInto(FixtureFolder(kind), model);
        using var expected = SafeTensorsFile.Open(FixtureFolder("expected_logits.safetensors"));
        using var ids = expected.Load("input_ids");
        using var want = expected.Load(kind);
        using var got = AdapterTestModels.Logits(model, ids);
        Assert.True(TestModels.Same(want, got), $"{kind}: max difference {AdapterTestModels.MaxAbsDiff(want, got)}");
    }

    [Theory]
    [InlineData("tt-lora")]
    [InlineData("lora")]
    [InlineData("bottleneck")]
    public void ResavingAnEarlierFolderWritesTheSameConfigAndTensors(string kind)
    {
        using var dir = new TempFolder();
        using var model = LlamaCheckpoint.LoadClassifier(FixtureFolder("base"));
        var attachment = AdapterFiles.LoadInto(FixtureFolder(kind), model);
        AdapterFiles.Save(dir.Path, model, attachment.Config);
        Assert.Equal(File.ReadAllText(Path.Combine(FixtureFolder(kind), AdapterFiles.ConfigFileName)), File.ReadAllText(dir[AdapterFiles.ConfigFileName]));
        using var before = RawTensors.Read(Path.Combine(FixtureFolder(kind), AdapterFiles.WeightsFileName));
        using var after = RawTensors.Read(dir[AdapterFiles.WeightsFileName]);
        Assert.Equal(before.Tensors.Keys.Order(), after.Tensors.Keys.Order());
        foreach (var (key, value) in before.Tensors) Assert.True(TestModels.Same(value, after.Tensors[key]), key);
    }

    [Fact]
    public void EveryKindHasItsOwnNameAndPeftTypeAndEachPeftTypeReadsBackToItsKind()
    {
        Assert.Equal(AdapterKinds.All.Count, AdapterKinds.All.Select(k => k.Name).Distinct().Count());
        Assert.Equal(AdapterKinds.All.Count, AdapterKinds.All.Select(k => k.PeftType).Distinct().Count());
        foreach (var kind in AdapterKinds.All)
        {
            var config = kind.FromOptions(new AdapterOptions { SaveHead = true });
            Assert.Same(kind, config.Kind);
            var reread = AdapterConfig.Parse((System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(config.ToJsonText())!, "test");
            Assert.Same(kind, reread.Kind);
            Assert.Same(kind, AdapterKinds.Named(kind.Name));
            Assert.True(kind.DefaultLearningRate > 0);
        }
        var error = Assert.Throws<TtLoraException>(() => AdapterKinds.Named("dora"));
        Assert.Contains("--adapter: expected one of tt-lora, lora, bottleneck, parallel, mola, got \"dora\"", error.Message);
    }

    [Theory]
    [InlineData("tt-lora", 100_000)]
    [InlineData("lora", 2_000_000_000)]
    [InlineData("parallel", 2_000_000_000)]
    public void AbsurdRanksAreRefusedBeforeAnythingIsAllocated(string kind, int rank)
    {
        using var model = AdapterTestModels.Classifier();
        var config = AdapterKinds.Named(kind).FromOptions(new AdapterOptions { Rank = rank });
        var error = Assert.Throws<TtLoraException>(() => new AdapterInjector(model).Inject(config));
        Assert.Contains($"a {kind} adapter with these settings would hold", error.Message);
        Assert.Contains("choose a smaller rank or width", error.Message);
        error = Assert.Throws<TtLoraException>(() => AdapterPlanner.Plan(model.Config, config));
        Assert.Contains("would hold", error.Message);
        Assert.Empty(new AdapterInjector(model).AdaptedModules);
    }

    [Fact]
    public void AFolderWhoseConfigClaimsAHugeRankIsACleanFileError()
    {
        using var dir = new TempFolder();
        foreach (var file in Directory.GetFiles(FixtureFolder("lora"))) File.Copy(file, Path.Combine(dir.Path, Path.GetFileName(file)));
        var configPath = dir[AdapterFiles.ConfigFileName];
        File.WriteAllText(configPath, File.ReadAllText(configPath).Replace("\"r\": 4", "\"r\": 1000000000"));
        using var model = LlamaCheckpoint.LoadClassifier(FixtureFolder("base"));
        var error = Assert.Throws<TtLoraException>(() => AdapterFiles.LoadInto(dir.Path, model));
        Assert.StartsWith(configPath, error.Message);
        Assert.Contains("would hold", error.Message);
        error = Assert.Throws<TtLoraException>(() => AdapterInspector.Inspect(dir.Path));
        Assert.Contains("has shape [4,32] but model.layers.0.self_attn.q_proj needs [1000000000,32]", error.Message);
    }
}

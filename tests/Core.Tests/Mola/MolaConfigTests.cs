using System.Text.Json.Nodes;
using TtLora.Core.Adapters;
using TtLora.Core.Formats;
using TtLora.Core.Models;
using TtLora.Core.Tests.Adapters;

namespace TtLora.Core.Tests.Mola;

/// <summary>Allocations, budgets, files and whole-model behaviour of MoLA adapters.</summary>
public class MolaConfigTests
{
    static LlamaConfig Fixture(string name) => LlamaConfig.Load(Path.Combine(TestPaths.RepositoryRoot, "tests", "fixtures", "models", name, "config.json"));

    [Theory]
    [InlineData("2-4-6-8", 4, "2,4,6,8")]
    [InlineData("2-4-6-8", 8, "2,2,4,4,6,6,8,8")]
    [InlineData("2-4", 3, "2,4,4")]
    [InlineData("3,1,2", 3, "3,1,2")]
    [InlineData("total:20:increasing", 4, "2,4,6,8")]
    [InlineData("total:20:decreasing", 4, "8,6,4,2")]
    [InlineData("total:20:uniform", 4, "5,5,5,5")]
    [InlineData("total:20:diamond", 4, "3,7,7,3")]
    [InlineData("total:6:increasing", 2, "2,4")]
    public void AllocationsSpreadOverTheLayers(string spec, int layers, string expected) =>
        Assert.Equal(expected, string.Join(",", ExpertAllocation.Parse(spec, layers)));

    [Fact]
    public void GroupsOfThirtyTwoLayersAreEightLayersEach()
    {
        var experts = ExpertAllocation.Parse("2-4-6-8", 32);
        Assert.Equal([.. Enumerable.Repeat(2, 8), .. Enumerable.Repeat(4, 8), .. Enumerable.Repeat(6, 8), .. Enumerable.Repeat(8, 8)], experts);
        Assert.Equal("2-4-6-8", ExpertAllocation.Describe(experts));
    }

    [Theory]
    [InlineData("2-x-6", 4, "--allocation: \"2-x-6\" is not a list of whole numbers >= 1")]
    [InlineData("0-4", 4, "is not a list of whole numbers >= 1")]
    [InlineData("1,2,3", 4, "lists 3 layers but the model has 4")]
    [InlineData("1-2-3-4-5", 4, "has 5 groups but the model has only 4 layers")]
    [InlineData("total:20:spiral", 4, "profile \"spiral\" is not one of increasing, decreasing, uniform, diamond")]
    [InlineData("total:x:uniform", 4, "is not total:T:PROFILE")]
    public void BadAllocationsNameTheOption(string spec, int layers, string expected) =>
        Assert.Contains(expected, Assert.Throws<TtLoraException>(() => ExpertAllocation.Parse(spec, layers)).Message);

    [Fact]
    public void TopKBeyondALayersExpertsNamesTheLayer()
    {
        var error = Assert.Throws<TtLoraException>(() => ExpertAllocation.TopK("2", [2, 1, 4]));
        Assert.Contains("--top-k: layer 1 routes each token to 2 of its 1 experts", error.Message);
        Assert.Equal([1, 1, 3], ExpertAllocation.TopK("1,1,3", [2, 1, 4]));
    }

    [Theory]
    [InlineData("llama-2-7b", "2-4-6-8", 105_635_840)]
    [InlineData("llama-2-7b", "8-6-4-2", 105_635_840)]
    [InlineData("llama-2-7b", "5-5-5-5", 105_635_840)]
    [InlineData("llama-2-7b", "8-8-8-8", 169_017_344)]
    [InlineData("llama-3.2-1b", "2-4-6-8", 29_818_880)]
    public void PlanReproducesThePublishedBudgets(string model, string allocation, long expected)
    {
        var plan = AdapterPlanner.Plan(Fixture(model), new MolaConfig { Allocation = allocation });
        Assert.Equal(expected, plan.AdapterParameters);
    }

    [Theory]
    [InlineData("2-4-6-8", 784_320)]
    [InlineData("total:20:diamond", 784_320)]
    [InlineData("8-8-8-8", 1_254_912)]
    public void TheDemoBaseBudgetsMatchAndEqualTheInjectedCount(string allocation, long expected)
    {
        var small = ModelPresets.Get("small");
        var config = new MolaConfig { Allocation = allocation };
        Assert.Equal(expected, AdapterPlanner.Plan(small, config).AdapterParameters);
        using var model = new LlamaForSequenceClassification(AdapterTestModels.Config, 3);
        var injector = new AdapterInjector(model);
        var attachment = injector.Inject(new MolaConfig { Allocation = "3-2" }, seed: 1);
        Assert.Equal(AdapterPlanner.Plan(AdapterTestModels.Config, new MolaConfig { Allocation = "3-2" }).AdapterParameters, injector.TrainableParameterCount);
        Assert.Equal(attachment.AdapterParameters, injector.TrainableParameterCount);
    }

    [Fact]
    public void SaveThenLoadGivesIdenticalLogitsWithTheReferenceKeys()
    {
        using var dir = new TempFolder();
        using var ids = AdapterTestModels.Ids();
        using var trained = AdapterTestModels.Classifier(seed: 1);
        var config = new MolaConfig { Allocation = "3-2", ModulesToSave = ["score"], TargetModules = ["q_proj", "down_proj"] };
        var injector = new AdapterInjector(trained);
        injector.Inject(config, seed: 5);
        AdapterTestModels.Randomize(injector.TrainableParameters().Select(p => p.Parameter), seed: 6);
        using var expected = AdapterTestModels.Logits(trained, ids);
        AdapterFiles.Save(dir.Path, trained, config);

        using (var raw = RawTensors.Read(dir[AdapterFiles.WeightsFileName]))
        {
            Assert.Contains("base_model.model.model.layers.0.self_attn.q_proj.lora_A_2.weight", raw.Tensors.Keys);
            Assert.Contains("base_model.model.model.layers.1.mlp.down_proj.lora_B_1.weight", raw.Tensors.Keys);
            Assert.DoesNotContain("base_model.model.model.layers.1.mlp.down_proj.lora_B_2.weight", raw.Tensors.Keys);
            Assert.Equal([3, 32], raw.Tensors["base_model.model.model.layers.0.self_attn.q_proj.router.router.weight"].shape);
            Assert.Contains("base_model.model.score.weight", raw.Tensors.Keys);
            Assert.Equal(2 * (3 + 3 + 1) + 2 * (2 + 2 + 1) + 1, raw.Tensors.Count);
        }
        var json = JsonNode.Parse(File.ReadAllText(dir[AdapterFiles.ConfigFileName]))!;
        Assert.Equal("MOLA", json["peft_type"]!.GetValue<string>());
        Assert.Equal("[3,2]", json["number_experts"]!.ToJsonString());
        Assert.Equal("[2,2]", json["top_k"]!.ToJsonString());

        using var fresh = AdapterTestModels.Classifier(seed: 1);
        AdapterFiles.LoadInto(dir.Path, fresh);
        using var actual = AdapterTestModels.Logits(fresh, ids);
        Assert.True(TestModels.Same(expected, actual));
        Assert.Equal(["down_proj", "q_proj"], AdapterInspector.Inspect(dir.Path).Modules.Select(m => m.Module).Order());
    }

    [Fact]
    public void ExpertCountsThatDisagreeWithTheConfigNameTheTensor()
    {
        using var dir = new TempFolder();
        using var model = AdapterTestModels.Classifier();
        var config = new MolaConfig { Allocation = "2-2", TargetModules = ["q_proj"] };
        new AdapterInjector(model).Inject(config, seed: 1);
        AdapterFiles.Save(dir.Path, model, config);
        var path = dir[AdapterFiles.ConfigFileName];
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"number_experts\": [\n    2,\n    2\n  ]", "\"number_experts\": [\n    3,\n    2\n  ]"));
        using var fresh = AdapterTestModels.Classifier();
        var error = Assert.Throws<TtLoraException>(() => AdapterFiles.LoadInto(dir.Path, fresh));
        Assert.Contains("missing tensor \"base_model.model.model.layers.0.self_attn.q_proj.lora_A_2.weight\"", error.Message);
        Assert.Equal(error.Message, Assert.Throws<TtLoraException>(() => AdapterInspector.Inspect(dir.Path)).Message);
    }

    [Fact]
    public void ARowAloneEqualsTheSameRowInAPaddedBatchAndMergingIsRefused()
    {
        using var model = AdapterTestModels.Classifier();
        var injector = new AdapterInjector(model);
        injector.Inject(new MolaConfig { Allocation = "4-2", ModulesToSave = ["score"] }, seed: 2);
        AdapterTestModels.Randomize(injector.TrainableParameters().Select(p => p.Parameter), seed: 3);
        using var noGrad = torch.no_grad();
        using var alone = model.Forward(TestModels.Ids(new long[,] { { 5, 6, 7 } }));
        using var ids = TestModels.Ids(new long[,] { { 5, 6, 7, 0, 0 }, { 9, 8, 7, 6, 5 } });
        using var mask = TestModels.Ids(new long[,] { { 1, 1, 1, 0, 0 }, { 1, 1, 1, 1, 1 } });
        using var batch = model.Forward(ids, mask);
        Assert.True(AdapterTestModels.MaxAbsDiff(alone[0], batch[0]) < 1e-5);
        var error = Assert.Throws<TtLoraException>(injector.Merge);
        Assert.Contains("(mola) depends on its input in a way no weight update can hold", error.Message);
    }
}

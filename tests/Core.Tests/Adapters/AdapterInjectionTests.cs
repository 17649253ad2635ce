using TtLora.Core.Adapters;
using TtLora.Core.Models;

namespace TtLora.Core.Tests.Adapters;

public class AdapterInjectionTests
{
    [Fact]
    public void ZeroInitialisedLoraLeavesLogitsExactlyUnchanged()
    {
        using var model = AdapterTestModels.Classifier();
        using var ids = AdapterTestModels.Ids();
        using var before = AdapterTestModels.Logits(model, ids);
        new AdapterInjector(model).Inject(new LoraConfig { R = 4, LoraAlpha = 8, TargetModules = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"] }, seed: 1);
        using var after = AdapterTestModels.Logits(model, ids);
        Assert.True(TestModels.Same(before, after));
    }

    [Fact]
    public void KeysFollowPeftInMemoryLayout()
    {
        using var model = AdapterTestModels.Classifier();
        new AdapterInjector(model).Inject(new LoraConfig { R = 2 });
        var keys = model.state_dict().Keys.ToHashSet();
        Assert.Contains("model.layers.0.self_attn.q_proj.base_layer.weight", keys);
        Assert.Contains("model.layers.0.self_attn.q_proj.adapters.default.lora_A.weight", keys);
        Assert.Contains("model.layers.1.self_attn.v_proj.adapters.default.lora_B.weight", keys);
        Assert.Contains("model.layers.0.self_attn.k_proj.weight", keys);
        Assert.DoesNotContain("model.layers.0.self_attn.q_proj.weight", keys);
        Assert.Equal([2, 32], model.state_dict()["model.layers.0.self_attn.q_proj.adapters.default.lora_A.weight"].shape);
        Assert.Equal([16, 2], model.state_dict()["model.layers.0.self_attn.v_proj.adapters.default.lora_B.weight"].shape);
    }

    [Theory]
    [InlineData("lora")]
    [InlineData("tt")]
    [InlineData("bottleneck")]
    public void OnlyAdapterParametersAreTrainableAndTheirCountIsThePlannersCount(string kind)
    {
        using var model = AdapterTestModels.Classifier();
        AdapterConfig config = kind switch
        {
            "lora" => new LoraConfig { R = 4, TargetModules = ["q_proj", "v_proj", "down_proj"] },
            "tt" => new TtLoraConfig { R = 3 },
            _ => new BottleneckConfig { ReductionFactor = 4 },
        };
        var injector = new AdapterInjector(model);
        var attachment = injector.Inject(config, seed: 3);
        var trainable = injector.TrainableParameters();
        Assert.All(trainable, p => Assert.Contains(".adapters.default.", p.Name));
        var plan = AdapterPlanner.Plan(model.Config, config, numLabels: 3);
        Assert.Equal(plan.TrainableParameters, injector.TrainableParameterCount);
        Assert.Equal(plan.AdapterParameters, attachment.AdapterParameters);
        Assert.True(plan.TrainableParameters > 0);
        // The frozen base is everything else.
        long all = model.parameters().Sum(p => p.numel());
        Assert.Equal(AdapterPlanner.BaseParameterCount(model.Config, 3), all - plan.AdapterParameters);
    }

    [Fact]
    public void TrainingTheHeadMakesScoreTrainableToo()
    {
        using var model = AdapterTestModels.Classifier();
        var injector = new AdapterInjector(model);
        var config = new LoraConfig { R = 2, ModulesToSave = ["score"] };
        injector.Inject(config);
        Assert.Contains(injector.TrainableParameters(), p => p.Name == "score.weight");
        Assert.Equal(AdapterPlanner.Plan(model.Config, config, numLabels: 3).TrainableParameters, injector.TrainableParameterCount);
    }

    [Fact]
    public void GradientsReachOnlyTheAdapter()
    {
        using var model = AdapterTestModels.Classifier();
        var injector = new AdapterInjector(model);
        injector.Inject(new TtLoraConfig { R = 2 }, seed: 5);
        model.train();
        using var ids = AdapterTestModels.Ids();
        using var loss = model.Forward(ids).pow(2).sum();
        loss.backward();
        foreach (var (name, parameter) in model.named_parameters())
        {
            using var grad = parameter.grad;
            if (name.Contains(".adapters.default.")) Assert.True(grad is not null && grad.abs().sum().item<float>() > 0, name);
            else Assert.Null(grad);
        }
    }

    [Fact]
    public void LayerSelectionAdaptsOnlyThoseLayers()
    {
        using var model = AdapterTestModels.Classifier();
        var attachment = new AdapterInjector(model).Inject(new LoraConfig { R = 2, TargetModules = ["layers.*.mlp.down_proj", "self_attn.q_proj"], LayersToTransform = LayerRange.Parse("1-", 2) });
        Assert.Equal(["model.layers.1.self_attn.q_proj", "model.layers.1.mlp.down_proj"], attachment.Modules);
    }

    [Fact]
    public void LayerRangesParse()
    {
        Assert.Equal([4, 5, 6, 7], LayerRange.Parse("4-7", 16));
        Assert.Equal([0, 2, 14, 15], LayerRange.Parse("0,2,14-", 16));
        Assert.Equal([12, 13, 14, 15], LayerRange.From(12, 16));
        var error = Assert.Throws<TtLoraException>(() => LayerRange.Parse("4-20", 16));
        Assert.Contains("names layer 20 but the model has 16 layers", error.Message);
    }

    [Fact]
    public void TargetsMatchLikePeft()
    {
        Assert.True(TargetMatcher.Matches("q_proj", "model.layers.3.self_attn.q_proj"));
        Assert.True(TargetMatcher.Matches("self_attn.q_proj", "model.layers.3.self_attn.q_proj"));
        Assert.True(TargetMatcher.Matches("layers.*.mlp.down_proj", "model.layers.12.mlp.down_proj"));
        Assert.False(TargetMatcher.Matches("proj", "model.layers.3.self_attn.q_proj"));
        Assert.False(TargetMatcher.Matches("mlp.q_proj", "model.layers.3.self_attn.q_proj"));
        Assert.True(TargetMatcher.MatchesRegex(@".*\.(q|v)_proj", "model.layers.3.self_attn.v_proj"));
    }

    [Fact]
    public void UnknownTargetIsAnErrorListingTheModules()
    {
        using var model = AdapterTestModels.Classifier();
        var injector = new AdapterInjector(model);
        var error = Assert.Throws<TtLoraException>(() => injector.Inject(new LoraConfig { TargetModules = ["q_proj", "query"] }));
        Assert.Contains("target module \"query\" matches no module", error.Message);
        Assert.Contains("q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj, mlp", error.Message);
        // Nothing was attached by the failed call.
        Assert.Empty(injector.AdaptedModules);
    }

    [Fact]
    public void AdapterKindMustSuitTheModule()
    {
        using var model = AdapterTestModels.Classifier();
        var injector = new AdapterInjector(model);
        Assert.Contains("bottleneck adapters attach to the feed-forward block",
            Assert.Throws<TtLoraException>(() => injector.Inject(new BottleneckConfig { TargetModules = ["q_proj"] })).Message);
        Assert.Contains("lora adapters attach to Linear layers",
            Assert.Throws<TtLoraException>(() => injector.Inject(new LoraConfig { TargetModules = ["mlp"] })).Message);
    }

    [Fact]
    public void RankZeroIsRefused()
    {
        using var model = AdapterTestModels.Classifier();
        var error = Assert.Throws<TtLoraException>(() => new AdapterInjector(model).Inject(new LoraConfig { R = 0 }));
        Assert.Contains("field \"r\" is 0", error.Message);
        Assert.Contains("TT ranks must be at least 1", Assert.Throws<TtLoraException>(() => new AdapterInjector(model).Inject(new TtLoraConfig { R = 0 })).Message);
    }

    [Fact]
    public void WrongFactorsNameTheModuleAndTheProduct()
    {
        using var model = AdapterTestModels.Classifier();
        var config = new TtLoraConfig
        {
            TargetModules = ["q_proj"],
            InputFactors = new Dictionary<string, IReadOnlyList<int>> { ["q_proj"] = [4, 4, 4] },
            OutputFactors = new Dictionary<string, IReadOnlyList<int>> { ["q_proj"] = [4, 8] },
        };
        var error = Assert.Throws<TtLoraException>(() => new AdapterInjector(model).Inject(config));
        Assert.Contains("input_factors [4,4,4] multiply to 64 but model.layers.0.self_attn.q_proj has in_features 32", error.Message);
    }

    [Fact]
    public void SeveralAdaptersCanBeAttachedAndOneSelected()
    {
        using var model = AdapterTestModels.Classifier();
        using var ids = AdapterTestModels.Ids();
        using var baseLogits = AdapterTestModels.Logits(model, ids);
        var injector = new AdapterInjector(model);
        injector.Inject(new LoraConfig { R = 2, InitLoraWeights = false }, "first", seed: 1);
        using var first = AdapterTestModels.Logits(model, ids);
        injector.Inject(new TtLoraConfig { R = 2, TargetModules = ["q_proj"] }, "second", seed: 2);
        using var second = AdapterTestModels.Logits(model, ids);
        Assert.Equal(["first", "second"], injector.AdapterNames);
        Assert.True(AdapterTestModels.MaxAbsDiff(first, second) > 1e-4);

        injector.SetActiveAdapter("first");
        using var firstAgain = AdapterTestModels.Logits(model, ids);
        Assert.True(TestModels.Same(first, firstAgain));

        // "second" only sits on q_proj; selecting it leaves v_proj without a running adapter.
        injector.SetActiveAdapter("second");
        using var secondAgain = AdapterTestModels.Logits(model, ids);
        Assert.True(TestModels.Same(second, secondAgain));

        injector.RemoveAdapter("second");
        injector.RemoveAdapter("first");
        Assert.Empty(injector.AdaptedModules);
        using var restored = AdapterTestModels.Logits(model, ids);
        Assert.True(TestModels.Same(baseLogits, restored));
    }

    [Fact]
    public void DetachRestoresPlainModulesAndBaseLogits()
    {
        using var model = AdapterTestModels.CausalLM();
        using var ids = AdapterTestModels.Ids();
        using var before = AdapterTestModels.Logits(model, ids);
        var baseKeys = model.state_dict().Keys.ToHashSet();
        var injector = new AdapterInjector(model);
        injector.Inject(new LoraConfig { R = 2, InitLoraWeights = false, TargetModules = ["q_proj", "down_proj"] }, seed: 4);
        injector.Inject(new BottleneckConfig { ReductionFactor = 8 }, "bn", seed: 5);
        using var adapted = AdapterTestModels.Logits(model, ids);
        Assert.True(AdapterTestModels.MaxAbsDiff(before, adapted) > 1e-4);
        injector.Detach();
        using var after = AdapterTestModels.Logits(model, ids);
        Assert.True(TestModels.Same(before, after));
        Assert.Equal(baseKeys, model.state_dict().Keys.ToHashSet());
        Assert.All(model.parameters(), p => Assert.False(p.requires_grad));
    }

    [Fact]
    public void BaseCheckpointSavedInsideTheDetachedScopeHasHuggingFaceKeys()
    {
        using var dir = new TempFolder();
        using var model = AdapterTestModels.CausalLM();
        using var ids = AdapterTestModels.Ids();
        using var baseLogits = AdapterTestModels.Logits(model, ids);
        var injector = new AdapterInjector(model);
        injector.Inject(new LoraConfig { R = 2, InitLoraWeights = false }, seed: 4);
        using var adapted = AdapterTestModels.Logits(model, ids);

        using (injector.DetachTemporarily())
        {
            LlamaCheckpoint.Save(model, dir.Path);
        }
        using var adaptedAgain = AdapterTestModels.Logits(model, ids);
        Assert.True(TestModels.Same(adapted, adaptedAgain));

        using var file = TtLora.Core.Formats.SafeTensorsFile.Open(dir["model.safetensors"]);
        Assert.Contains("model.layers.0.self_attn.q_proj.weight", file.Names);
        Assert.DoesNotContain(file.Names, n => n.Contains("base_layer") || n.Contains("lora_"));
        using var reloaded = LlamaCheckpoint.LoadCausalLM(dir.Path);
        reloaded.eval();
        using var reloadedLogits = AdapterTestModels.Logits(reloaded, ids);
        Assert.True(TestModels.Same(baseLogits, reloadedLogits));
    }
}

using TtLora.Core.Adapters;

namespace TtLora.Core.Tests.Adapters;

public class MergeTests
{
    // Merging adds a float32 delta and unmerging subtracts the same recomputed delta; with weights of order 0.2-1
    // and deltas of order 0.1 the round trip is exact to a few ulps, far inside 1e-6.
    const double WeightTolerance = 1e-6;
    const double LogitTolerance = 1e-4;

    [Theory]
    [InlineData("lora")]
    [InlineData("tt")]
    public void MergeThenUnmergeRestoresWeightsAndMergedLogitsMatch(string kind)
    {
        using var model = AdapterTestModels.Classifier();
        using var ids = AdapterTestModels.Ids();
        using var baseLogits = AdapterTestModels.Logits(model, ids);
        var injector = new AdapterInjector(model);
        AdapterConfig config = kind == "lora"
            ? new LoraConfig { R = 4, LoraAlpha = 8, InitLoraWeights = false, TargetModules = ["q_proj", "v_proj", "o_proj", "up_proj"] }
            : new TtLoraConfig { R = 3, TargetModules = ["q_proj", "v_proj", "down_proj"] };
        injector.Inject(config, seed: 9);
        var originals = injector.AdaptedModules.OfType<AdaptedLinear>().Select(m => m.Base.weight!.detach().clone()).ToList();
        using var unmerged = AdapterTestModels.Logits(model, ids);
        Assert.True(AdapterTestModels.MaxAbsDiff(unmerged, baseLogits) > 1e-3);

        injector.Merge();
        Assert.True(injector.IsMerged);
        var moved = injector.AdaptedModules.OfType<AdaptedLinear>().Zip(originals, (m, w) => AdapterTestModels.MaxAbsDiff(m.Base.weight!, w)).Max();
        Assert.True(moved > 1e-4);
        using var merged = AdapterTestModels.Logits(model, ids);
        Assert.True(AdapterTestModels.MaxAbsDiff(merged, unmerged) < LogitTolerance);

        injector.Unmerge();
        Assert.False(injector.IsMerged);
        foreach (var (module, original) in injector.AdaptedModules.OfType<AdaptedLinear>().Zip(originals))
            Assert.True(AdapterTestModels.MaxAbsDiff(module.Base.weight!, original) <= WeightTolerance, module.Path);
        using var after = AdapterTestModels.Logits(model, ids);
        Assert.True(AdapterTestModels.MaxAbsDiff(after, unmerged) < LogitTolerance);
        originals.ForEach(w => w.Dispose());
    }

    [Fact]
    public void DoubleMergeIsRefusedAndUnmergeWithoutMergeToo()
    {
        using var model = AdapterTestModels.Classifier();
        var injector = new AdapterInjector(model);
        injector.Inject(new LoraConfig { R = 2, InitLoraWeights = false }, seed: 1);
        Assert.Contains("no adapter is merged", Assert.Throws<TtLoraException>(injector.Unmerge).Message);
        injector.Merge();
        Assert.Contains("already merged", Assert.Throws<TtLoraException>(injector.Merge).Message);
        var module = injector.AdaptedModules.OfType<AdaptedLinear>().First();
        Assert.Contains("is already merged", Assert.Throws<TtLoraException>(module.Merge).Message);
        Assert.Contains("unmerge it before switching", Assert.Throws<TtLoraException>(() => module.SetActiveAdapter(null)).Message);
    }

    [Fact]
    public void DisableGivesBaseLogitsEvenWhenMerged()
    {
        using var model = AdapterTestModels.Classifier();
        using var ids = AdapterTestModels.Ids();
        using var baseLogits = AdapterTestModels.Logits(model, ids);
        var injector = new AdapterInjector(model);
        injector.Inject(new LoraConfig { R = 2, InitLoraWeights = false }, seed: 1);
        injector.Inject(new BottleneckConfig { ReductionFactor = 8 }, "bn", seed: 2);
        injector.DisableAdapters();
        using var disabled = AdapterTestModels.Logits(model, ids);
        Assert.True(TestModels.Same(baseLogits, disabled));

        injector.EnableAdapters();
        injector.SetActiveAdapter("default");
        injector.Merge();
        injector.DisableAdapters(); // unmerges first
        Assert.False(injector.IsMerged);
        using var disabledAfterMerge = AdapterTestModels.Logits(model, ids);
        Assert.True(AdapterTestModels.MaxAbsDiff(baseLogits, disabledAfterMerge) <= 1e-5);
    }

    [Fact]
    public void BottleneckCannotBeMerged()
    {
        using var model = AdapterTestModels.Classifier();
        var injector = new AdapterInjector(model);
        injector.Inject(new BottleneckConfig { ReductionFactor = 8 }, seed: 2);
        Assert.Contains("cannot be merged", Assert.Throws<TtLoraException>(injector.Merge).Message);
    }

    [Fact]
    public void MergeAndDetachLeavesAPlainModelWithTheAdaptedFunction()
    {
        using var model = AdapterTestModels.CausalLM();
        using var ids = AdapterTestModels.Ids();
        var injector = new AdapterInjector(model);
        injector.Inject(new TtLoraConfig { R = 2 }, seed: 3);
        using var adapted = AdapterTestModels.Logits(model, ids);
        injector.MergeAndDetach();
        Assert.Empty(injector.AdaptedModules);
        Assert.DoesNotContain(model.state_dict().Keys, k => k.Contains("base_layer"));
        using var merged = AdapterTestModels.Logits(model, ids);
        Assert.True(AdapterTestModels.MaxAbsDiff(adapted, merged) < LogitTolerance);
    }
}

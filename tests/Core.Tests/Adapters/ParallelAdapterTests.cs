using TtLora.Core.Adapters;
using TtLora.Core.Models;

namespace TtLora.Core.Tests.Adapters;

/// <summary>The parallel kind: a bottleneck beside the feed-forward block, reading its input.</summary>
public class ParallelAdapterTests
{
    [Fact]
    public void AZeroUpProjectionGivesTheBaseLogitsExactly()
    {
        using var ids = AdapterTestModels.Ids();
        using var model = AdapterTestModels.Classifier();
        using var before = AdapterTestModels.Logits(model, ids);
        var injector = new AdapterInjector(model);
        injector.Inject(new ParallelConfig { ReductionFactor = 4 }, seed: 3);
        var adapters = injector.AdaptedModules.Select(m => (BottleneckAdapter)m.GetAdapter("default")).ToList();
        Assert.All(adapters, a => Assert.Equal(AdapterPlacement.Parallel, a.Placement));
        using (torch.no_grad())
            foreach (var a in adapters) { a.UpWeight.zero_(); a.UpBias.zero_(); }
        using var after = AdapterTestModels.Logits(model, ids);
        Assert.True(TestModels.Same(before, after));
    }

    [Fact]
    public void ItAddsUpActDownOfTheBlockInputToTheBlockOutput()
    {
        using var model = AdapterTestModels.Classifier();
        var mlp = model.Model.Layers[0].Mlp;
        using var x = torch.randn(2, 5, AdapterTestModels.Config.HiddenSize, generator: new torch.Generator(11));
        using var plain = mlp.call(x);
        new AdapterInjector(model).Inject(new ParallelConfig { BottleneckSize = 6, NonLinearity = "silu", LayersToTransform = [0] }, seed: 4);
        var wrapped = (AdaptedBlock)model.Model.Layers[0].Mlp;
        var adapter = (BottleneckAdapter)wrapped.GetAdapter("default");
        AdapterTestModels.Randomize(adapter.parameters(), seed: 5);
        using var noGrad = torch.no_grad();
        using var y = wrapped.call(x);
        using var byHand = plain + nn.functional.silu(x.matmul(adapter.DownWeight.t()) + adapter.DownBias).matmul(adapter.UpWeight.t()) + adapter.UpBias;
        Assert.True(AdapterTestModels.MaxAbsDiff(y, byHand) < 1e-6, $"max difference {AdapterTestModels.MaxAbsDiff(y, byHand)}");
    }

    [Fact]
    public void SaveThenLoadGivesIdenticalLogitsAndTheParallelPeftType()
    {
        using var dir = new TempFolder();
        using var ids = AdapterTestModels.Ids();
        using var trained = AdapterTestModels.Classifier(seed: 1);
        var config = new ParallelConfig { ReductionFactor = 8, ModulesToSave = ["score"] };
        var injector = new AdapterInjector(trained);
        injector.Inject(config, seed: 5);
        AdapterTestModels.Randomize(injector.TrainableParameters().Select(p => p.Parameter), seed: 6);
        using var expected = AdapterTestModels.Logits(trained, ids);
        AdapterFiles.Save(dir.Path, trained, config);
        Assert.Contains("\"peft_type\": \"PARALLEL\"", File.ReadAllText(dir[AdapterFiles.ConfigFileName]));
        Assert.Contains("\"placement\": \"mlp_parallel\"", File.ReadAllText(dir[AdapterFiles.ConfigFileName]));

        using var fresh = AdapterTestModels.Classifier(seed: 1);
        var attachment = AdapterFiles.LoadInto(dir.Path, fresh);
        Assert.IsType<ParallelConfig>(attachment.Config);
        using var actual = AdapterTestModels.Logits(fresh, ids);
        Assert.True(TestModels.Same(expected, actual));
        var details = AdapterInspector.Inspect(dir.Path);
        Assert.Equal("PARALLEL", details.PeftType);
        Assert.All(details.Modules, m => Assert.Equal("parallel", ((BottleneckModuleDetails)m).Kind));
    }

    [Fact]
    public void ParallelAndSerialFilesAreNotInterchangeable()
    {
        using var dir = new TempFolder();
        using var model = AdapterTestModels.Classifier();
        var config = new ParallelConfig();
        new AdapterInjector(model).Inject(config, seed: 1);
        AdapterFiles.Save(dir.Path, model, config);
        var path = dir[AdapterFiles.ConfigFileName];
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"PARALLEL\"", "\"BOTTLENECK\""));
        var error = Assert.Throws<TtLoraException>(() => AdapterFiles.Load(dir.Path));
        Assert.Contains("field \"placement\" is \"mlp_parallel\"; a BOTTLENECK adapter has \"mlp_output\"", error.Message);
    }

    [Fact]
    public void MergingABlockAdapterIsRefusedByName()
    {
        using var model = AdapterTestModels.Classifier();
        var injector = new AdapterInjector(model);
        injector.Inject(new ParallelConfig(), seed: 1);
        var error = Assert.Throws<TtLoraException>(injector.Merge);
        Assert.Contains("a parallel adapter on a whole block is not linear and cannot be merged", error.Message);
    }
}

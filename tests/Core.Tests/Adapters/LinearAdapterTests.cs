using TtLora.Core.Adapters;
using TtLora.Core.TensorTrains;

namespace TtLora.Core.Tests.Adapters;

public class LinearAdapterTests
{
    [Fact]
    public void TtLoraThroughTheModelGivesTheSameLogitsOnEveryPath()
    {
        using var model = AdapterTestModels.Classifier();
        using var ids = AdapterTestModels.Ids();
        var injector = new AdapterInjector(model);
        injector.Inject(new TtLoraConfig { R = 3, TargetModules = ["q_proj", "v_proj", "down_proj"] }, seed: 11);
        var adapters = injector.AdaptedModules.Select(m => (TtLoraAdapter)m.GetAdapter("default")).ToList();
        using var baseLogits = Disabled(injector, model, ids);

        var logits = new Dictionary<TtForwardPath, Tensor>();
        foreach (var path in Enum.GetValues<TtForwardPath>())
        {
            adapters.ForEach(a => a.Path = path);
            logits[path] = AdapterTestModels.Logits(model, ids);
        }
        // Float32 sums in different orders: agreement to 1e-5 relative to logits of order 1.
        Assert.True(AdapterTestModels.MaxAbsDiff(logits[TtForwardPath.Factorized], logits[TtForwardPath.Contraction]) < 1e-4);
        Assert.True(AdapterTestModels.MaxAbsDiff(logits[TtForwardPath.Factorized], logits[TtForwardPath.Reconstruction]) < 1e-4);
        // Direct initialisation is non-zero, so the adapter really changes the output.
        Assert.True(AdapterTestModels.MaxAbsDiff(logits[TtForwardPath.Factorized], baseLogits) > 1e-3);
        foreach (var t in logits.Values) t.Dispose();
    }

    [Fact]
    public void LowRankFactorsDenseDeltaAndForwardAgree()
    {
        using var x = torch.randn(3, 4, 32, generator: new torch.Generator(3));
        var shape = TtShapePlanner.Plan(32, 16, 3);
        using var tt = new TtLoraAdapter(shape, alpha: 16, seed: 2);
        using var lora = new LoraAdapter(32, 16, rank: 4, alpha: 8, zeroInitB: false, seed: 5);
        foreach (var adapter in new LinearAdapter[] { tt, lora })
        {
            using var noGrad = torch.no_grad();
            using var y = adapter.call(x);
            using var dense = ((IMergeableAdapter)adapter).DenseDelta();
            using var viaDense = x.matmul(dense.t());
            var (a, b) = ((ILowRankAdapter)adapter).LowRankFactors();
            using var viaFactors = x.matmul(a).matmul(b);
            Assert.Equal([16, 32], dense.shape);
            Assert.Equal(32, a.shape[0]);
            Assert.Equal(16, b.shape[1]);
            Assert.True(AdapterTestModels.MaxAbsDiff(y, viaDense) < 1e-4, adapter.Kind.ToString());
            Assert.True(AdapterTestModels.MaxAbsDiff(y, viaFactors) < 1e-4, adapter.Kind.ToString());
            a.Dispose();
            b.Dispose();
        }
    }

    [Fact]
    public void LoraFollowsPeftDefaults()
    {
        using var lora = new LoraAdapter(64, 16, rank: 8, alpha: 16, seed: 1);
        Assert.Equal(2.0, lora.Scaling);
        Assert.Equal(["lora_A.weight", "lora_B.weight"], lora.FileParameters().Select(p => p.Name));
        Assert.Equal([8, 64], lora.A.shape);
        Assert.Equal([16, 8], lora.B.shape);
        Assert.Equal(0f, lora.B.abs().max().item<float>());
        // kaiming_uniform(a = sqrt(5)) on [r, in] is uniform in +-1/sqrt(in).
        float bound = 1f / MathF.Sqrt(64);
        Assert.True(lora.A.abs().max().item<float>() <= bound);
        Assert.True(lora.A.abs().max().item<float>() > 0.8f * bound);
        Assert.Equal(16 / Math.Sqrt(8), new LoraAdapter(64, 16, 8, 16, useRsLora: true).Scaling, 12);
    }

    [Fact]
    public void LoraDropoutActsOnlyInTraining()
    {
        using var lora = new LoraAdapter(32, 32, rank: 4, alpha: 4, dropout: 0.5, zeroInitB: false, seed: 1);
        using var x = torch.ones(8, 32);
        lora.eval();
        using var first = lora.call(x);
        using var second = lora.call(x);
        Assert.True(TestModels.Same(first, second));
        lora.train();
        using var dropped = lora.call(x);
        Assert.True(AdapterTestModels.MaxAbsDiff(first, dropped) > 1e-4);
    }

    [Fact]
    public void TtLoraFilesNameCoresDirectly()
    {
        var shape = new TtShape([16, 8, 4, 4], [16, 8, 4, 4], 5, "q_proj");
        using var tt = new TtLoraAdapter(shape, seed: 1);
        var names = tt.FileParameters().Select(p => p.Name).ToArray();
        Assert.Equal(Enumerable.Range(0, 8).Select(k => $"tt_cores.{k}"), names);
        Assert.Equal(960, tt.ParameterCount);
        Assert.Equal([5, 8, 5], tt.FileParameters()[1].Value.shape);
        Assert.Equal(5, tt.Rank);
    }

    static Tensor Disabled(AdapterInjector injector, TtLora.Core.Models.LlamaForSequenceClassification model, Tensor ids)
    {
        injector.DisableAdapters();
        var logits = AdapterTestModels.Logits(model, ids);
        injector.EnableAdapters();
        return logits;
    }
}

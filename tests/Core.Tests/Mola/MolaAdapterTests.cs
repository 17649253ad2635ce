using TtLora.Core.Adapters;
using TtLora.Core.Mixtures;
using TtLora.Core.Tests.Adapters;

namespace TtLora.Core.Tests.Mola;

/// <summary>MoLA's routed LoRA experts against hand computations; stacked and grouped compute agree in values and gradients.</summary>
public class MolaAdapterTests
{
    const int In = 6, Out = 5, Rank = 3;
    static readonly AdapterSite Site = new("model.layers.0.self_attn.q_proj", "q_proj", 0, In, Out, true);

    static MolaAdapter Make(int experts, int topK, string compute = "stacked", long seed = 1, bool bias = false)
    {
        var adapter = new MolaAdapter(Site, experts, topK, Rank, alpha: 6, dropoutRate: 0, routerBias: bias, routerNoise: false, compute, seed);
        AdapterTestModels.Randomize([adapter.B], seed: seed + 100, std: 0.3); // B starts at zero; give the experts real updates
        adapter.eval();
        return adapter;
    }

    static Tensor Input(long seed, long rows = 4) => torch.randn(rows, In, generator: new torch.Generator((ulong)seed));

    // Σ_e gate_e · scaling · x A_eᵀ B_eᵀ, the definition computed expert by expert.
    static Tensor ByHand(MolaAdapter m, Tensor x, Tensor gates)
    {
        var y = torch.zeros(x.shape[0], Out);
        for (int e = 0; e < m.Experts; e++)
            y = y + x.matmul(m.A[e].t()).matmul(m.B[e].t()).mul(m.Scaling).mul(gates.select(1, e).unsqueeze(1));
        return y;
    }

    [Fact]
    public void OneExpertTopOneIsPlainLora()
    {
        using var mola = Make(1, 1);
        using var lora = new LoraAdapter(In, Out, Rank, alpha: 6);
        using (torch.no_grad()) { lora.A.copy_(mola.A[0]); lora.B.copy_(mola.B[0]); }
        using var x = Input(2);
        using var noGrad = torch.no_grad();
        Assert.True(AdapterTestModels.MaxAbsDiff(mola.call(x), lora.call(x)) < 1e-6);
    }

    [Fact]
    public void TopKOfAllIsTheSoftmaxWeightedSumAndAZeroRouterIsTheMean()
    {
        using var mola = Make(4, 4);
        using var x = Input(3);
        using var noGrad = torch.no_grad();
        using var gates = x.matmul(mola.Router.t()).softmax(-1);
        Assert.True(AdapterTestModels.MaxAbsDiff(mola.call(x), ByHand(mola, x, gates)) < 1e-6);
        mola.Router.zero_();
        using var mean = ByHand(mola, x, torch.full(4, 4, 0.25));
        Assert.True(AdapterTestModels.MaxAbsDiff(mola.call(x), mean) < 1e-6);
    }

    [Fact]
    public void TopTwoRenormalisesAndIgnoresExpertsOutsideIt()
    {
        using var mola = Make(4, 2);
        using var x = torch.eye(3, In);   // token t reads router column t
        using (torch.no_grad())
        {
            // Token 0 prefers experts 0 and 1, token 1 experts 2 and 3, token 2 experts 1 and 3.
            mola.Router.copy_(torch.tensor(new float[,] { { 2, 0, -1, 0, 0, 0 }, { 1, -1, 1, 0, 0, 0 }, { -1, 2, -1, 0, 0, 0 }, { -1, 1, 2, 0, 0, 0 } }));
        }
        using var noGrad = torch.no_grad();
        using var p = x.matmul(mola.Router.t()).softmax(-1);
        var gates = torch.zeros(3, 4);
        foreach (var (t, pair) in new[] { (0, (0, 1)), (1, (2, 3)), (2, (1, 3)) })
        {
            float a = p[t, pair.Item1].item<float>(), b = p[t, pair.Item2].item<float>();
            gates[t, pair.Item1] = a / (a + b);
            gates[t, pair.Item2] = b / (a + b);
        }
        using var y = mola.call(x);
        Assert.True(AdapterTestModels.MaxAbsDiff(y, ByHand(mola, x, gates)) < 1e-6);
        // Expert 2 is outside token 0's top two: changing it leaves token 0 alone and moves token 1.
        mola.B[2].add_(1.0);
        using var moved = mola.call(x);
        Assert.True(AdapterTestModels.MaxAbsDiff(moved[0], y[0]) == 0);
        Assert.True(AdapterTestModels.MaxAbsDiff(moved[1], y[1]) > 1e-3);
    }

    [Fact]
    public void AnUnchosenExpertGetsNoGradientAndItsRouterRowOnlyThroughTheBalanceLoss()
    {
        foreach (bool balance in new[] { false, true })
        {
            using var mola = Make(4, 2);
            mola.train();
            using var x = torch.eye(3, In);
            using (torch.no_grad())
                mola.Router.copy_(torch.tensor(new float[,] { { 2, 0, -1, 0, 0, 0 }, { 1, -1, 1, 0, 0, 0 }, { -1, 2, -1, 0, 0, 0 }, { -5, -5, -5, 0, 0, 0 } }));
            // Tokens choose among experts 0-2 only; expert 3 is chosen by none.
            var loss = mola.call(x).pow(2).sum();
            if (balance) loss = loss + LoadBalanceLoss.Compute([new(0, Site.Path, mola.LastLogits!, 2)], "layer", null).mul(0.5);
            loss.backward();
            Assert.Equal(0, mola.A.grad![3].abs().sum().item<float>());
            Assert.Equal(0, mola.B.grad![3].abs().sum().item<float>());
            Assert.True(mola.A.grad![0].abs().sum().item<float>() > 0);
            float routerRow = mola.Router.grad![3].abs().sum().item<float>();
            if (balance) Assert.True(routerRow > 0); else Assert.Equal(0, routerRow);
        }
    }

    [Fact]
    public void WithOneModuleTheBalanceTermAloneGivesTheExpertsNoGradient()
    {
        using var mola = Make(3, 2);
        mola.train();
        using var x = Input(5);
        using var y = mola.call(x);
        LoadBalanceLoss.Compute([new(0, Site.Path, mola.LastLogits!, 2)], "layer", null).backward();
        Assert.True(mola.A.grad is null || mola.A.grad.abs().sum().item<float>() == 0);
        Assert.True(mola.B.grad is null || mola.B.grad.abs().sum().item<float>() == 0);
        Assert.True(mola.Router.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void StackedAndGroupedAgreeInOutputAndEveryGradient()
    {
        for (int experts = 1; experts <= 8; experts++)
            for (int k = 1; k <= experts; k++)
            {
                using var stacked = Make(experts, k, "stacked", seed: experts * 10 + k, bias: true);
                using var grouped = Make(experts, k, "grouped", seed: experts * 10 + k, bias: true);
                using var x = Input(experts + k, rows: 7);
                var ys = stacked.call(x);
                var yg = grouped.call(x);
                Assert.True(AdapterTestModels.MaxAbsDiff(ys, yg) < 1e-6, $"E={experts} k={k}: outputs differ");
                using var weights = torch.randn(7, Out, generator: new torch.Generator(9));
                ys.mul(weights).sum().backward();
                yg.mul(weights).sum().backward();
                // Relative to the gradient's size: float32 sums in a different order.
                foreach (var ((name, a), (_, b)) in stacked.named_parameters().Zip(grouped.named_parameters()))
                {
                    double diff = AdapterTestModels.MaxAbsDiff(a.grad!, b.grad!), scale = Math.Max(1, a.grad!.abs().max().item<float>());
                    Assert.True(diff / scale < 1e-6, $"E={experts} k={k}: gradient of {name} differs by {diff} (scale {scale})");
                }
            }
    }

    [Fact]
    public void TheRedundancyViewMatchesDenseUpdates()
    {
        var g = new torch.Generator(21);
        var a0 = torch.randn(Rank, In, generator: g); var b0 = torch.randn(Out, Rank, generator: g);
        var a2 = torch.randn(Rank, In, generator: g); var b2 = torch.randn(Out, Rank, generator: g);
        var tensors = new Dictionary<string, Tensor>
        {
            ["lora_A_0.weight"] = a0, ["lora_B_0.weight"] = b0,
            ["lora_A_1.weight"] = a0, ["lora_B_1.weight"] = b0.neg(),
            ["lora_A_2.weight"] = a2, ["lora_B_2.weight"] = b2,
        };
        var layer = MolaModuleDetails.Layer(0, tensors, experts: 3, topK: 2, scaling: 2.0);
        using var dense0 = b0.matmul(a0).mul(2.0);
        using var dense2 = b2.matmul(a2).mul(2.0);
        Assert.Equal(dense0.norm().item<float>(), layer.UpdateNorms[0], 4);
        Assert.Equal(dense2.norm().item<float>(), layer.UpdateNorms[2], 4);
        Assert.Equal(-1.0, layer.Similarity[0, 1], 5);
        Assert.Equal(1.0, layer.Similarity[2, 2], 5);
        double cosine = dense0.mul(dense2).sum().item<float>() / (dense0.norm().item<float>() * dense2.norm().item<float>());
        Assert.Equal(cosine, layer.Similarity[0, 2], 4);
        Assert.Equal((-1.0 + cosine - cosine) / 3, layer.MeanPairwiseCosine, 4);
    }
}

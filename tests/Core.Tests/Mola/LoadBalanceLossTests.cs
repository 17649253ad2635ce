using TtLora.Core.Mixtures;

namespace TtLora.Core.Tests.Mola;

/// <summary>The balance loss against hand-computed values (logits = ln p, E = 4, k = 2).</summary>
public class LoadBalanceLossTests
{
    static Tensor Logits(params double[][] rows) => torch.tensor(rows.SelectMany(r => r).Select(p => (float)Math.Log(p)).ToArray(), [rows.Length, rows[0].Length]);

    static double Value(Tensor t) => t.item<float>();

    [Fact]
    public void PerfectlyBalancedRoutingGivesOne()
    {
        using var logits = Logits([.4, .3, .2, .1], [.1, .2, .3, .4]);
        Assert.Equal(1.0, Value(LoadBalanceLoss.OfGroup(logits, 2)), 5);
    }

    [Fact]
    public void TwoRowsPreferringTheSameExpertsGiveOnePointSeven()
    {
        using var logits = Logits([.6, .25, .1, .05], [.6, .25, .1, .05]);
        // 4 · (.5 · .6 + .5 · .25)
        Assert.Equal(1.7, Value(LoadBalanceLoss.OfGroup(logits, 2)), 5);
    }

    [Fact]
    public void LayerScopePoolsALayersModulesAndModuleScopeDoesNot()
    {
        using var q = Logits([.4, .3, .2, .1]);
        using var v = Logits([.1, .2, .3, .4]);
        LoadBalanceLoss.Router[] routers = [new(0, "q", q, 2), new(0, "v", v, 2)];
        Assert.Equal(1.0, Value(LoadBalanceLoss.Compute(routers, "layer", null)), 5);
        // Alone, each row is one token: f = (.5,.5,0,0), P = p; 4·(.5·.4 + .5·.3) = 1.4 each.
        Assert.Equal(2.8, Value(LoadBalanceLoss.Compute(routers, "module", null)), 5);
        // Two layers sum.
        LoadBalanceLoss.Router[] twoLayers = [new(0, "q0", q, 2), new(0, "v0", v, 2), new(1, "q1", q, 2), new(1, "v1", v, 2)];
        Assert.Equal(2.0, Value(LoadBalanceLoss.Compute(twoLayers, "layer", null)), 5);
    }

    [Fact]
    public void RealTokensIgnoresPadRowsAndAllCountsThem()
    {
        // One batch row of two positions: a real token and a pad.
        using var logits = Logits([.6, .25, .1, .05], [.1, .2, .3, .4]);
        using var mask = torch.tensor(new long[,] { { 1, 0 } });
        LoadBalanceLoss.Router[] routers = [new(0, "q", logits, 2)];
        Assert.Equal(4 * (.5 * .6 + .5 * .25), Value(LoadBalanceLoss.Compute(routers, "layer", mask)), 5);
        using var all = Logits([.6, .25, .1, .05], [.1, .2, .3, .4]);
        Assert.Equal(Value(LoadBalanceLoss.OfGroup(all, 2)), Value(LoadBalanceLoss.Compute(routers, "layer", null)), 6);
    }
}

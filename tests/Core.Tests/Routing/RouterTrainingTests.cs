using TtLora.Core.Routing;

namespace TtLora.Core.Tests.Routing;

[Collection(RoutingCollection.Name)]
public sealed class RouterTrainingTests(RoutingFixture fixture)
{
    // The paper's recipe (Adam 1e-3, batch 32) with enough epochs for 360 examples: about 1,100 steps, a few seconds.
    static readonly RouterTrainingOptions Long = new() { Epochs = 100, Patience = 10 };

    [Fact]
    public void NoisyTopOneRouterRoutesHeldOutDataAndKeepsOracleAccuracy()
    {
        var config = RouterTrainer.Train(fixture.BaseDir, fixture.Registry, fixture.AllLayerExperts, fixture.Tasks, "noisy", Long);
        Assert.Equal(2 * 64 * 3 + 3, config.Parameters); // 2 * hidden * E + E
        Assert.Equal(fixture.AllLayerExperts, config.Experts);
        Assert.Equal(["topic", "mood", "weather"], config.Tasks);

        using var model = RoutedModel.Open(fixture.Registry, "noisy");
        Assert.False(model.CanRouteInOnePass);
        var evaluation = RouterEvaluator.Evaluate(model, fixture.Tasks, new RouterEvaluationOptions());
        foreach (var task in evaluation.PerTask)
        {
            // Chance is 1/3. The three tasks share no content words, so a linear probe on the base's states separates
            // them almost perfectly: demand 90% per task on held-out sentences.
            Assert.True(task.RoutingAccuracy >= 0.9, $"{task.Task}: routing accuracy {task.RoutingAccuracy:P1}; {evaluation.ToJson()}; {config.ToJson()}");
            // A routed answer can only lose where routing failed, so it stays within the routing error of the oracle
            // (identical expert computation otherwise); 5 points allows for the 10% routing slack above at worst halved.
            Assert.True(task.Routed >= task.Oracle - 0.05, $"{task.Task}: routed {task.Routed:P1} vs oracle {task.Oracle:P1}");
            Assert.True(task.Routed <= task.Oracle + 1e-9, $"{task.Task}: routed {task.Routed:P1} cannot beat oracle {task.Oracle:P1}");
        }
        for (int t = 0; t < 3; t++)
        {
            Assert.Equal(evaluation.PerTask[t].Examples, evaluation.Confusion[t].Sum());
            Assert.Equal(evaluation.PerTask[t].RoutingAccuracy, evaluation.Confusion[t][t] / (double)evaluation.PerTask[t].Examples, 12);
        }
        Assert.Equal(["base", "routed (two-pass)", "oracle expert"], evaluation.Costs.Select(c => c.Method));
        Assert.Equal(1.0, evaluation.Costs[0].RatioToBase, 12);
    }

    [Theory]
    [InlineData("embedding")]
    [InlineData("mlp")]
    [InlineData("attention")]
    public void AlternativeRoutersLearnToRoute(string kind)
    {
        var config = RouterTrainer.Train(fixture.BaseDir, fixture.Registry, fixture.AllLayerExperts, fixture.Tasks, kind,
            Long with { Kind = RouterKinds.Parse(kind) });
        long expected = kind switch
        {
            "embedding" => 64 * 3 + 3,
            "mlp" => 64 * 256 + 256 + 256 * 3 + 3, // width min(1024, 4 * hidden) = 256
            _ => 64 + 3 * 64 * 64 + 64 * 3 + 3,    // query, k/v/o projections, output layer
        };
        Assert.Equal(expected, config.Parameters);
        using var model = RoutedModel.Open(fixture.Registry, kind);
        var evaluation = RouterEvaluator.Evaluate(model, fixture.Tasks, new RouterEvaluationOptions());
        Assert.True(evaluation.Mean(t => t.RoutingAccuracy) >= 0.9, $"{kind}: routing accuracy {evaluation.Mean(t => t.RoutingAccuracy):P1}");
    }

    [Fact]
    public void SinglePassRoutingGivesTheTwoPassResultsInOnePass()
    {
        var config = RouterTrainer.Train(fixture.BaseDir, fixture.Registry, fixture.TopLayerExperts, fixture.Tasks, "from-layer-0",
            Long with { RouteFromLayer = 0 });
        Assert.True(config.SinglePass);
        using var model = RoutedModel.Open(fixture.Registry, "from-layer-0");
        Assert.True(model.CanRouteInOnePass);
        var texts = fixture.Tasks.SelectMany(t => t.Test.Take(4)).Select(e => e.Text).ToArray();
        var (ids, mask) = model.Encode(texts);
        var twoPass = model.Run(ids, mask, RoutingPass.TwoPass);
        var onePass = model.Run(ids, mask);
        Assert.Equal(RoutingPass.SinglePass, onePass.Pass);
        Assert.True(twoPass.Routing.Chosen.eq(onePass.Routing.Chosen).all().item<bool>());
        // Layers 0..K carry no adapters, so both ways compute the same function; only op order differs.
        var finite = twoPass.Logits.isfinite();
        Assert.True(finite.eq(onePass.Logits.isfinite()).all().item<bool>());
        Assert.True(twoPass.Logits.masked_select(finite).allclose(onePass.Logits.masked_select(finite), rtol: 0, atol: 1e-5));

        var evaluation = RouterEvaluator.Evaluate(model, fixture.Tasks, new RouterEvaluationOptions());
        Assert.All(evaluation.PerTask, t => Assert.Equal(t.Routed, t.RoutedSinglePass!.Value, 12));
        Assert.True(evaluation.Mean(t => t.RoutingAccuracy) >= 0.9, $"routing accuracy from layer 0: {evaluation.Mean(t => t.RoutingAccuracy):P1}");
    }

    [Fact]
    public void SinglePassIsRefusedWhenAnExpertAdaptsTheRoutingLayer()
    {
        var config = RouterTrainer.Train(fixture.BaseDir, fixture.Registry, fixture.AllLayerExperts, fixture.Tasks, "low-experts",
            new RouterTrainingOptions { RouteFromLayer = 0, Epochs = 2 });
        Assert.False(config.SinglePass);
        using var model = RoutedModel.Open(fixture.Registry, "low-experts");
        var (ids, mask) = model.Encode(["the cat eats grass."]);
        Assert.Equal(RoutingPass.TwoPass, model.Run(ids, mask).Pass);
        var e = Assert.Throws<TtLoraException>(() => model.Run(ids, mask, RoutingPass.SinglePass));
        Assert.Contains("expert \"topic-tt\" adapts layer 0", e.Message);
        Assert.Contains("--layers 1-", e.Message);
    }

    [Fact]
    public void CachedFeaturesTrainTheSameRouterAsRecomputingThemEveryEpoch()
    {
        var options = new RouterTrainingOptions { Epochs = 3, Patience = 3 };
        var (_, cached) = RouterTrainer.Fit(fixture.BaseDir, fixture.Registry, fixture.AllLayerExperts, fixture.Tasks, "a", options);
        var (_, recomputed) = RouterTrainer.Fit(fixture.BaseDir, fixture.Registry, fixture.AllLayerExperts, fixture.Tasks, "b", options with { RecomputeFeatures = true });
        using (cached)
        using (recomputed)
        {
            // Features of one example do not depend on the batch it is padded in beyond float rounding.
            foreach (var ((name, a), (_, b)) in cached.NamedTensors().Zip(recomputed.NamedTensors()))
                Assert.True(a.allclose(b, rtol: 0, atol: 1e-4), $"{name}: max difference {(a - b).abs().max().item<float>()}");
        }
    }

    [Fact]
    public void BadRouterOptionsAreNamed()
    {
        Assert.Contains("--mix capped needs --cap", Assert.Throws<TtLoraException>(() => RouterTrainer.Train(fixture.BaseDir, fixture.Registry,
            fixture.AllLayerExperts, fixture.Tasks, "x", new RouterTrainingOptions { Mix = TtLora.Core.Data.MixStrategy.Capped })).Message);
        Assert.Contains("--route-from-layer 7: the model has layers 0-1", Assert.Throws<TtLoraException>(() => RouterTrainer.Train(fixture.BaseDir, fixture.Registry,
            fixture.AllLayerExperts, fixture.Tasks, "x", new RouterTrainingOptions { RouteFromLayer = 7 })).Message);
        Assert.Contains("serves task \"topic\" but the data given for it is task \"mood\"", Assert.Throws<TtLoraException>(() => RouterTrainer.Train(fixture.BaseDir, fixture.Registry,
            fixture.AllLayerExperts, [fixture.Tasks[1], fixture.Tasks[0], fixture.Tasks[2]], "x", new RouterTrainingOptions())).Message);
        Assert.Contains("--router: expected one of noisy-top1, embedding, mlp, attention", Assert.Throws<TtLoraException>(() => RouterKinds.Parse("moe")).Message);
        Assert.Contains("--pooling applies to the noisy-top1 and mlp routers only", Assert.Throws<TtLoraException>(() => RouterTrainer.Train(fixture.BaseDir,
            fixture.Registry, fixture.AllLayerExperts, fixture.Tasks, "x", new RouterTrainingOptions { Kind = RouterKind.Embedding, Pooling = RouterPooling.Mean })).Message);
        Assert.Contains("--pooling: expected one of last, mean", Assert.Throws<TtLoraException>(() => RouterPoolings.Parse("max")).Message);
    }
}

using TtLora.Core.Routing;

namespace TtLora.Core.Tests.Routing;

[Collection(RoutingCollection.Name)]
public sealed class RouterPoolingTests(RoutingFixture fixture)
{
    static RouterFeatureBatch Features(long seed)
    {
        using var generator = new Generator((ulong)seed);
        return new RouterFeatureBatch(randn(4, 16, generator: generator), randn(4, 16, generator: generator), randn(4, 16, generator: generator));
    }

    [Theory]
    [InlineData(RouterKind.NoisyTopK)]
    [InlineData(RouterKind.Mlp)]
    public void APoolingRouterScoresTheStateItNames(RouterKind kind)
    {
        var features = Features(3);
        using var last = Router.Create(new RouterShape(kind, 16, 3, MlpWidth: 8), seed: 5);
        using var mean = Router.Create(new RouterShape(kind, 16, 3, MlpWidth: 8, Pooling: RouterPooling.Mean), seed: 5);
        Assert.Equal(last.ParameterCount, mean.ParameterCount);
        // Same weights: a mean-pooling router scores the mean state exactly as a last-token router scores that state as its last token.
        var swapped = new RouterFeatureBatch(features.MeanPooled, features.LastToken, features.MeanEmbedding);
        using (no_grad())
        {
            var (meanClean, meanNoise) = mean.Scores(features);
            var (lastClean, lastNoise) = last.Scores(swapped);
            Assert.True(meanClean.allclose(lastClean, rtol: 0, atol: 1e-6), "clean logits read the mean state");
            if (kind == RouterKind.NoisyTopK)
                Assert.True(meanNoise!.allclose(last.Scores(features).NoiseScale!, rtol: 0, atol: 1e-6), "the noise scale reads the mean state either way");
            Assert.False(mean.Scores(features).Clean.allclose(last.Scores(features).Clean, rtol: 0, atol: 1e-3), "the two poolings differ on these inputs");
        }
    }

    [Fact]
    public void MeanPoolingIsSavedWithTheRouterAndReloaded()
    {
        var options = new RouterTrainingOptions { Epochs = 2, Pooling = RouterPooling.Mean };
        var config = RouterTrainer.Train(fixture.BaseDir, fixture.Registry, fixture.AllLayerExperts, fixture.Tasks, "mean-pooled", options);
        Assert.Equal(RouterPooling.Mean, config.Shape.Pooling);
        var store = new RouterStore(fixture.Registry);
        var reloaded = store.Get("mean-pooled");
        Assert.Equal(RouterPooling.Mean, reloaded.Shape.Pooling);
        Assert.Equal("mean", (string)reloaded.ToJson()["pooling"]!);
        Assert.Equal("mean", (string)reloaded.Training["pooling"]!);
    }
}

using System.Text.Json.Nodes;
using TtLora.Core.Routing;

namespace TtLora.Core.Tests.Routing;

[Collection(RoutingCollection.Name)]
public sealed class RouterEvaluationTests(RoutingFixture fixture)
{
    [Fact]
    public void EvaluationComparesRoutedWithOracleMergeAndMultiTaskAndIsSavedForNotebooks()
    {
        using var copy = new TempFolder();
        var registry = RouterFilesTests.CopyRegistry(fixture.Registry, copy.Path);
        var experts = fixture.TopLayerExperts;
        RouterTrainer.Train(fixture.BaseDir, registry, experts, fixture.Tasks, "full", new RouterTrainingOptions { Epochs = 100, Patience = 10, RouteFromLayer = 0 });
        var manifests = experts.Select(registry.Get).ToArray();

        using var multiTask = MultiTaskBaseline.Ensure(fixture.BaseDir, registry, manifests, fixture.Tasks);
        Assert.False(multiTask.Reused);
        Assert.Equal(["topic/animals", "topic/computers", "mood/liked", "mood/disliked", "weather/sunny", "weather/rainy", "weather/snowy"], multiTask.Model.Manifest.Labels);
        Assert.Equal([0, 2, 4], multiTask.Offsets);
        Assert.Equal("tt-lora", multiTask.Model.Manifest.AdapterKind);
        // Trained with the experts' own settings (here: only the last layer adapted).
        Assert.Equal("[1]", multiTask.Model.Manifest.TrainingConfig["layers"]!.ToJsonString());
        using (var again = MultiTaskBaseline.Ensure(fixture.BaseDir, registry, manifests, fixture.Tasks)) Assert.True(again.Reused);

        using var model = RoutedModel.Open(registry, "full");
        using var merged = ExpertMixture.Load(registry, experts, fixture.BaseDir, withUniformMerge: true);
        var evaluation = RouterEvaluator.Evaluate(model, fixture.Tasks, new RouterEvaluationOptions { BatchSize = 16 }, merged, multiTask);
        Assert.Equal(["base", "routed (two-pass)", "routed (single-pass)", "oracle expert", "uniform merge", "multi-task adapter"], evaluation.Costs.Select(c => c.Method));
        Assert.All(evaluation.Costs, c => Assert.True(c.MillisecondsPerExample > 0));
        Assert.All(evaluation.PerTask, t =>
        {
            Assert.Equal(45, t.Examples);
            Assert.InRange(t.Merge!.Value, 0, 1);
            Assert.InRange(t.MultiTask!.Value, 0, 1);
        });
        // Parameters: the router adds 2 * hidden * E + E to the experts it routes between.
        var routed = evaluation.Costs.Single(c => c.Method == "routed (two-pass)");
        var oracle = evaluation.Costs.Single(c => c.Method == "oracle expert");
        Assert.Equal(2 * 64 * 3 + 3, routed.Parameters - oracle.Parameters);
        Assert.Equal(manifests.Sum(m => m.TrainableParameters), oracle.Parameters);

        var store = new RouterStore(registry);
        evaluation.Save(store.PathOf("full"));
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(store.PathOf("full"), RouterStore.EvaluationFileName)))!;
        Assert.Equal(evaluation.Mean(t => t.RoutingAccuracy), json["routing_accuracy"]!.GetValue<double>(), 12);
        Assert.Equal(3, json["confusion"]!["matrix"]!.AsArray().Count);
        Assert.Equal(evaluation.Mean(t => t.MultiTask), json["accuracy"]!["multi_task"]!.GetValue<double>(), 12);
    }
}

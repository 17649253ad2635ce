using System.Text.Json.Nodes;
using TtLora.Core.Adapters;
using TtLora.Core.Mixtures;
using TtLora.Core.Registry;
using TtLora.Core.Training;

namespace TtLora.Core.Tests.Training;

public sealed class MolaTrainerTests(TinyBaseFixture fixture) : IClassFixture<TinyBaseFixture>
{
    [Theory]
    [InlineData("stacked", 0.0)]
    [InlineData("grouped", 0.001)]
    public void AMolaExpertLearnsRecordsItsRoutingAndReloads(string compute, double balance)
    {
        var registry = new ExpertRegistry(fixture.Folder.Sub($"registry-mola-{compute}"));
        var config = new MolaConfig { Allocation = "2-4", R = 4, ExpertCompute = compute, BalanceCoefficient = balance, TargetModules = ["q_proj", "v_proj", "down_proj"] };
        var options = new ExpertTrainingOptions { Epochs = 5, BatchSize = 16, LearningRate = 5e-3, Patience = 5 };
        var manifest = MolaTrainer.Train(fixture.BaseDir, [fixture.Task], registry, "topic-mola", config, options);

        Assert.Equal("mola", manifest.AdapterKind);
        Assert.True(manifest.TestAccuracy >= manifest.MajorityBaseline + 0.25, $"test accuracy {manifest.TestAccuracy:P1} vs majority {manifest.MajorityBaseline:P1}");
        foreach (var epoch in manifest.History.Select(e => e!.AsObject()))
        {
            var losses = epoch["balance_loss_per_layer"]!.AsArray().Select(v => v!.GetValue<double>()).ToList();
            var shares = epoch["expert_share_per_layer"]!.AsArray().Select(l => l!.AsArray().Select(v => v!.GetValue<double>()).ToList()).ToList();
            Assert.Equal(2, losses.Count);
            Assert.All(losses, l => Assert.InRange(l, 0.99, 4.0)); // 1 when balanced, E at worst
            Assert.Equal([2, 4], shares.Select(s => s.Count));
            Assert.All(shares, s => Assert.Equal(1.0, s.Sum(), 6));
        }

        using var expert = ExpertModel.Load(registry, "topic-mola", fixture.BaseDir);
        var probabilities = expert.Predict(fixture.Task.Test.Select(e => e.Text).ToArray());
        double accuracy = probabilities.Select((p, i) => Array.IndexOf(p, p.Max()) == fixture.Task.Test[i].Label ? 1.0 : 0.0).Average();
        Assert.Equal(manifest.TestAccuracy, accuracy, 6);
        var saved = JsonNode.Parse(File.ReadAllText(Path.Combine(registry.PathOf("topic-mola"), AdapterFiles.ConfigFileName)))!;
        Assert.Equal("[2,4]", saved["number_experts"]!.ToJsonString());
        Assert.Equal(balance, saved["balance"]!["coefficient"]!.GetValue<double>());
    }
}

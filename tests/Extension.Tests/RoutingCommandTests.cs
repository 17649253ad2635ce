using System.Text.Json.Nodes;

namespace TtLora.Extension.Tests;

[Collection(RoutingCollection.Name)]
public sealed class RoutingCommandTests(RoutingCommandFixture fixture)
{
    string[] Common => ["--registry", fixture.Registry];

    CliHarness.Outcome RouteTrain(string name, params string[] extra) => CliHarness.Run(
        ["route-train", "--experts", string.Join(",", RoutingCommandFixture.Tasks), "--name", name, "--epochs", "2", "--max-length", "32", .. Common, .. extra]);

    [Fact]
    public void RouteTrainSavesARouterNamingItsExpertsAndBase()
    {
        var outcome = RouteTrain("cli-noisy", "--json");
        Assert.True(outcome.ExitCode == 0, outcome.Error);
        var json = outcome.Json;
        Assert.Equal("noisy-top1", json["router_type"]!.GetValue<string>());
        Assert.Equal(RoutingCommandFixture.Tasks, json["experts"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(RoutingCommandFixture.Tasks, json["tasks"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(2 * 64 * 2 + 2, json["parameters"]!.GetValue<long>());
        Assert.Equal("balanced", json["training"]!["mix"]!.GetValue<string>());
        string folder = json["folder"]!.GetValue<string>();
        Assert.Equal(Path.Combine(fixture.Registry, "routers", "cli-noisy"), folder);
        Assert.True(File.Exists(Path.Combine(folder, "router_config.json")));
        Assert.True(File.Exists(Path.Combine(folder, "router.safetensors")));
        var text = RouteTrain("cli-text");
        Assert.Contains("router cli-text: noisy-top1 (top-1) over 2 experts, 258 parameters", text.Results.Single().Result.ToText());
    }

    [Fact]
    public void RouteShowsScoresTheChosenExpertAndItsLabel()
    {
        Assert.Equal(0, RouteTrain("cli-route", "--router", "mlp", "--mix", "capped", "--cap", "40").ExitCode);
        var outcome = CliHarness.Run(["route", "--router", "cli-route", "--text", "The wheat harvest rose sharply this year.", "--text", "Computers are useless.", "--padded-logits", "--json", .. Common]);
        Assert.True(outcome.ExitCode == 0, outcome.Error);
        var predictions = outcome.Json["predictions"]!.AsArray();
        Assert.Equal(2, predictions.Count);
        foreach (var p in predictions)
        {
            var probabilities = p!["probabilities"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray();
            Assert.Equal(2, probabilities.Length);
            Assert.Equal(1.0, probabilities.Sum(), 5);
            Assert.Null(p["noise_scale"]); // only the noisy router has one
            string expert = p["expert"]!.GetValue<string>();
            Assert.Contains(expert, RoutingCommandFixture.Tasks);
            var labels = p["labels"]!.AsArray().Select(l => l!.GetValue<string>()).ToArray();
            Assert.Equal(expert == "reuters-grain" ? 2 : 5, labels.Length);
            Assert.Equal(labels.Length, p["label_logits"]!.AsArray().Count);
            Assert.Contains(p["label"]!.GetValue<string>(), labels);
            var padded = p["padded_logits"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray();
            Assert.Equal(5, padded.Length);
            Assert.Equal(p["label_logits"]!.AsArray().Select(v => v!.GetValue<float>()), padded.Take(labels.Length));
            Assert.All(padded.Skip(labels.Length), v => Assert.Equal(0f, v));
        }
        Assert.Contains("->", outcome.Results.Single().Result.ToText());
    }

    [Fact]
    public void EvalWritesEvalJsonNextToTheRouter()
    {
        Assert.Equal(0, RouteTrain("cli-eval").ExitCode);
        var outcome = CliHarness.Run(["eval", "--router", "cli-eval", "--max-examples", "12", "--no-baselines", "--json", .. Common]);
        Assert.True(outcome.ExitCode == 0, outcome.Error);
        string saved = Path.Combine(fixture.Registry, "routers", "cli-eval", "eval.json");
        Assert.Equal(saved, outcome.Json["saved_to"]!.GetValue<string>());
        var json = JsonNode.Parse(File.ReadAllText(saved))!;
        Assert.Equal(2, json["confusion"]!["matrix"]!.AsArray().Count);
        Assert.All(json["per_task"]!.AsArray(), t => Assert.Equal(12, t!["examples"]!.GetValue<int>()));
        Assert.InRange(json["routing_accuracy"]!.GetValue<double>(), 0, 1);
        Assert.Null(json["accuracy"]!["merge"]);
        var text = CliHarness.Run(["eval", "--router", "cli-eval", "--tasks", "reuters-grain", "--max-examples", "8", "--no-baselines", .. Common]);
        Assert.True(text.ExitCode == 0, text.Error);
        Assert.Contains("confusion (rows: task, columns: chosen expert)", text.Results.Single().Result.ToText());
    }

    [Fact]
    public void BenchRoutingReportsInferenceAndTrainingRatios()
    {
        Assert.Equal(0, RouteTrain("cli-bench", "--route-from-layer", "0").ExitCode);
        var outcome = CliHarness.Run(["bench", "routing", "--router", "cli-bench", "--quick", "--epochs", "1", "--batch-size", "8", "--json", .. Common]);
        Assert.True(outcome.ExitCode == 0, outcome.Error);
        var ratios = outcome.Json["ratios"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()).ToArray();
        Assert.Contains("routed two-pass / base forward", ratios);
        Assert.Contains("router training: recomputed / cached (speedup)", ratios);
        // The demo experts adapt every layer, so routing from layer 0 cannot save the second pass here.
        Assert.DoesNotContain("routed single-pass / base forward", ratios);
    }

    [Fact]
    public void RouterErrorsAreOneReadableLine()
    {
        var absent = CliHarness.Run(["route", "--router", "absent", "--text", "x", .. Common]);
        Assert.Equal(CommandRunner.Failure, absent.ExitCode);
        Assert.Contains("router \"absent\" is not in", absent.Error);

        var missing = CliHarness.Run(["route-train", "--experts", "reuters-grain,nope", .. Common]);
        Assert.Equal(CommandRunner.Failure, missing.ExitCode);
        Assert.Contains("--experts names expert \"nope\", which is not in the registry", missing.Error);

        var kind = CliHarness.Run(["route-train", "--experts", "a,b", "--router", "bogus", .. Common]);
        Assert.Equal(CommandRunner.UsageError, kind.ExitCode);
        Assert.Contains("bogus", kind.Error);

        Assert.Equal(0, RouteTrain("cli-errors").ExitCode);
        var tasks = CliHarness.Run(["eval", "--router", "cli-errors", "--tasks", "spam", "--no-baselines", .. Common]);
        Assert.Equal(CommandRunner.Failure, tasks.ExitCode);
        Assert.Contains("--tasks: router \"cli-errors\" routes fortune-category, reuters-grain, not \"spam\"", tasks.Error);
        Assert.DoesNotContain("   at ", tasks.Error);
    }
}

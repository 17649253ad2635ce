using System.Text.Json.Nodes;
using System.Xml.Linq;
using TtLora.Core.Routing;
using TtLora.Extension.Display;
using TtLora.Extension.Formatting;
using TtLora.Extension.Results;

namespace TtLora.Extension.Tests.Formatting;

/// <summary>The views of route, route-train and eval on hand-made results, checked cell by cell.</summary>
public class RoutingViewTests
{
    static readonly string[] Experts = ["spam-tt-lora", "grain-tt-lora", "poem-tt-lora"];
    static readonly string[] Tasks = ["spam", "grain", "poem"];

    static RouterConfig Config(JsonArray? history = null) => new()
    {
        Name = "r", Shape = new RouterShape(RouterKind.NoisyTopK, 8, 3), Experts = Experts, Tasks = Tasks,
        BaseModel = "/m", BaseModelFingerprint = "sha256:x", Parameters = 51, TrainAccuracy = 0.9, ValidationAccuracy = 0.8,
        Training = new JsonObject { ["epochs_run"] = 2, ["best_epoch"] = 2, ["examples"] = 30, ["mix"] = "capped", ["feature_seconds"] = 1.5, ["training_seconds"] = 0.2, ["history"] = history ?? [] },
    };

    static RoutedPrediction Prediction(string text, float[] probabilities, float[]? noise = null)
    {
        int chosen = Array.IndexOf(probabilities, probabilities.Max());
        return new(text, Experts, [1f, 2f, 3f], noise, probabilities, chosen, ["no", "yes"], [0.1f, 1.1f], 1);
    }

    static XElement Parse(string html) => HtmlDoc.Parse(html.Replace(PlotlyJs.LoaderScript, ""));

    [Fact]
    public void OneTextShowsBarsWithTheChosenExpertMarkedAndItsLabelProbabilities()
    {
        var result = new RouterScoresResult(Config(), [Prediction("win <b>cash</b> now", [0.2f, 0.7f, 0.1f], [0.5f, 0.25f, 0.125f])]);
        var bundle = MimeBundles.For(result);
        var bars = ((JsonObject)bundle[MimeBundles.PlotlyJson])["data"]![0]!;
        Assert.Equal(["#1f77b4", Charts.HighlightColor, "#1f77b4"], bars["marker"]!["color"]!.AsArray().Select(c => (string)c!));
        var root = Parse((string)bundle[MimeBundles.Html]);
        var table = root.All("table").Single(t => t.All("caption").SingleOrDefault()?.Value.StartsWith("router scores") == true);
        var rows = table.All("tbody").Single().All("tr").Select(tr => tr.All("td").ToArray()).ToArray();
        Assert.Equal(["expert", "task", "clean logit", "noise scale", "probability"], table.All("th").Select(t => t.Value));
        Assert.Equal([false, true, false], rows.Select(r => r.All(c => c.HasClass("hl-chosen"))));
        Assert.Equal("0.250", rows[1][3].Value);
        Assert.Equal("70.0%", rows[1][4].Value);
        Assert.Contains(root.All("div"), d => d.HasClass("ttl-text") && d.Value == "win <b>cash</b> now"); // escaped, not markup
        // Label probabilities are the softmax of the label logits: 1 / (1 + e^-1) for "yes".
        var labelBars = root.All("div").Single(d => d.HasClass("ttl-bars")).Elements().ToArray();
        Assert.Equal("73.1%", labelBars[5].Value);
        Assert.True(labelBars[3].HasClass("hl-chosen"));
    }

    [Fact]
    public void ManyTextsShowAHeatmapWithChosenExpertsOutlinedAndTheTrueTasksBeside()
    {
        var result = new RouterScoresResult(Config(),
            [Prediction("free money", [0.8f, 0.1f, 0.1f]), Prediction("wheat", [0.6f, 0.3f, 0.1f]), Prediction("roses", [0.1f, 0.1f, 0.8f])],
            TrueTasks: ["spam", "grain", null]);
        var figure = result.Figure!.ToJson();
        var trace = figure["data"]![0]!;
        Assert.Equal("heatmap", (string)trace["type"]!);
        Assert.Equal(3, trace["z"]!.AsArray().Count);
        Assert.Equal(["1. free money [spam]", "2. wheat [grain]", "3. roses"], trace["y"]!.AsArray().Select(y => (string)y!));
        var marks = figure["layout"]!["shapes"]!.AsArray().Select(s => ((double)s!["y0"]! + 0.5, (double)s["x0"]! + 0.5)).ToArray();
        Assert.Equal([(0.0, 0.0), (1.0, 0.0), (2.0, 2.0)], marks);

        var root = Parse(result.ToHtml());
        var table = root.All("table").Single(t => t.All("caption").SingleOrDefault()?.Value.StartsWith("routes") == true);
        var chosen = table.All("tbody").Single().All("tr").Select(tr => tr.All("td").ToArray()[3]).ToArray();
        Assert.Equal(["hl-best", "hl-warn", "hl-chosen"], chosen.Select(c => c.Class()));
        Assert.Contains(root.All("div"), d => d.Value == "1 of 2 texts with a known task routed to that task's expert (50.0%)");
        Assert.Throws<TtLora.Core.TtLoraException>(() => new RouterScoresResult(Config(), [Prediction("x", [1f, 0f, 0f])], TrueTasks: ["spam", "grain"]));
    }

    [Fact]
    public void RouterTrainingShowsItsCurveAndHistory()
    {
        var history = new JsonArray(
            new JsonObject { ["epoch"] = 1, ["train_loss"] = 2.0, ["train_accuracy"] = 0.5, ["validation_loss"] = 1.5, ["validation_accuracy"] = 0.6 },
            new JsonObject { ["epoch"] = 2, ["train_loss"] = 1.0, ["train_accuracy"] = 0.9, ["validation_loss"] = 1.2, ["validation_accuracy"] = 0.8 });
        var result = new RouterResult(Config(history), "/reg/routers/r");
        var curve = result.Figure!.ToJson();
        Assert.Equal([2.0, 1.0], curve["data"]![0]!["y"]!.AsArray().Select(v => (double)v!));
        Assert.Equal("y2", (string)curve["data"]![3]!["yaxis"]!);
        var root = Parse(result.ToHtml());
        var rows = root.All("table").Single(t => t.All("caption").SingleOrDefault()?.Value == "training history").All("tbody").Single().All("tr").ToArray();
        Assert.True(rows[1].All("td").All(c => c.HasClass("hl-best")));
        Assert.Null(new RouterResult(Config(), "/r").Figure); // no history saved: no chart, and the view says so
        Assert.Contains("no per-epoch history", new RouterResult(Config(), "/r").ToHtml());
    }

    [Fact]
    public void EvaluationShowsConfusionCountsAccuracyAgainstTheMajorityAndCost()
    {
        var evaluation = new RouterEvaluation("r", "noisy-top1", "test", Experts, Tasks,
        [
            new TaskEvaluation("spam", "spam-tt-lora", 10, 0.8, 0.7, 0.75, 0.6, null, null),
            new TaskEvaluation("grain", "grain-tt-lora", 5, 1.0, 0.9, 0.9, 0.5, null, null),
            new TaskEvaluation("poem", "poem-tt-lora", 4, 0.5, 0.25, 0.5, 0.75, null, null),
        ],
        [[8, 1, 1], [0, 5, 0], [1, 1, 2]], [new MethodCost("base", 1.0, 0, 1.0), new MethodCost("routed (two-pass)", 2.1, 51, 2.1)], false, null, 32, 1000);
        var result = new EvaluationResult(evaluation, "/r/eval.json", new Dictionary<string, double> { ["spam"] = 0.9, ["grain"] = 0.5, ["poem"] = 0.4 });
        var confusion = result.Figure!.ToJson();
        var z = confusion["data"]![0]!["z"]!.AsArray().Select(r => r!.AsArray().Select(v => (double)v!).ToArray()).ToArray();
        Assert.Equal(evaluation.PerTask.Select(t => (double)t.Examples), z.Select(r => r.Sum()));
        Assert.Equal(3, confusion["layout"]!["shapes"]!.AsArray().Count);

        var root = Parse(result.ToHtml());
        var accuracy = root.All("table").Single(t => t.All("caption").SingleOrDefault()?.Value.StartsWith("accuracy") == true);
        Assert.Equal(["task", "examples", "routing accuracy", "majority class", "routed", "oracle expert", "uniform merge"], accuracy.All("th").Select(t => t.Value));
        var spam = accuracy.All("tbody").Single().All("tr").First().All("td").ToArray();
        Assert.False(spam[3].HasClass("hl-best")); // the majority (90%) is the floor, not a method that wins
        Assert.True(spam[5].HasClass("hl-best"));   // the oracle's 75% is the best method
        var bars = EvaluationView.AccuracyBars(evaluation, result.Majority).ToJson()["data"]!.AsArray();
        Assert.Equal(["routed", "oracle expert", "uniform merge", "majority class"], bars.Select(b => (string)b!["name"]!));
        Assert.Contains("Test accuracy per task", result.ToHtml());
        Assert.Contains(root.All("caption"), c => c.Value == "same mixed batches, after one warm-up batch");
    }
}

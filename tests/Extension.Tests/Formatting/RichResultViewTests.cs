using TtLora.Core.Benchmarks;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Microsoft.DotNet.Interactive.Formatting;
using TtLora.Core.Adapters;
using TtLora.Core.Data;
using TtLora.Core.Models;
using TtLora.Core.Registry;
using TtLora.Core.Training;
using TtLora.Extension.Display;
using TtLora.Extension.Formatting;
using TtLora.Extension.Results;
using TtLora.Extension.Verbs;

namespace TtLora.Extension.Tests.Formatting;

/// <summary>The HTML of the registry, expert, plan, prediction, task, pretraining, benchmark and session results.</summary>
public class RichResultViewTests
{
    static ExpertManifest Expert(string name, string task, double validation, double test, string kind = "tt-lora", JsonArray? history = null, int bestEpoch = 1) => new()
    {
        Name = name, Task = task, Labels = ["neg", "pos"], AdapterKind = kind, TrainableParameters = 33_920,
        ValidationAccuracy = validation, TestAccuracy = test, MajorityBaseline = 0.5, BaseModel = "/models/tt-base",
        BaseModelFingerprint = "sha256:abc", Created = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), History = history ?? [], BestEpoch = bestEpoch,
        EpochsRun = history?.Count ?? 0,
    };

    static XElement Parse(string html)
    {
        Assert.StartsWith("<div class=\"ttl\"><style>", html);
        return HtmlDoc.Parse(html);
    }

    static XElement[][] BodyCells(XElement table) =>
        table.All("tbody").Single().All("tr").Select(tr => tr.All("td").ToArray()).ToArray();

    static XElement Table(XElement root, string caption) =>
        root.All("table").Single(t => t.All("caption").SingleOrDefault()?.Value == caption);

    static Dictionary<string, XElement> CardRows(XElement root, string title) =>
        root.All("div").Single(d => d.HasClass("ttl-card") && d.All("div").Single(t => t.HasClass("ttl-card-title")).Value == title)
            .All("tr").ToDictionary(tr => tr.All("th").Single().Value, tr => tr.All("td").Single());

    [Fact]
    public void RegistryHighlightsTheBestExpertOfEachTask()
    {
        var result = new RegistryResult("/registry", [
            Expert("sst2-lora", "sst2", 0.80, 0.81, "lora"),
            Expert("sst2-tt", "sst2", 0.79, 0.86),
            Expert("spam-tt", "spam", 0.97, double.NaN), // no test split: validation decides
            Expert("spam-<b>", "spam", 0.91, double.NaN),
        ]);
        var root = Parse(RegistryView.ToHtml(result));
        var table = root.All("table").Single();
        Assert.Equal(["name", "task", "kind", "parameters", "val acc", "test acc", "base model", "created"], table.All("th").Select(t => t.Value));
        var rows = BodyCells(table);
        Assert.Equal(["sst2-lora", "sst2-tt", "spam-tt", "spam-<b>"], rows.Select(r => r[0].Value));
        Assert.Equal([false, true, true, false], rows.Select(r => r[0].HasClass("hl-best")));
        // The accuracy that decided is the one highlighted: test for sst2, validation for spam.
        Assert.Equal([false, true, false, false], rows.Select(r => r[5].HasClass("hl-best")));
        Assert.Equal([false, false, true, false], rows.Select(r => r[4].HasClass("hl-best")));
        Assert.Equal("86.0%", rows[1][5].Value);
        Assert.Equal("n/a", rows[2][5].Value);
        Assert.Equal("33,920", rows[0][3].Value);
        Assert.Equal("tt-base", rows[0][6].Value);
        Assert.Equal("/models/tt-base (sha256:abc)", rows[0][6].Attribute("title")!.Value);
        Assert.Equal("2026-01-02 03:04", rows[0][7].Value);
        Assert.Equal(result.BestPerTask.Order(), rows.Where(r => r[0].HasClass("hl-best")).Select(r => r[0].Value).Order());

        Assert.Equal("no experts in /empty", Parse(RegistryView.ToHtml(new RegistryResult("/empty", []))).All("div").Single(d => d.HasClass("ttl-muted")).Value);
    }

    [Fact]
    public void ExpertShowsACardTheHistoryAndItsCurves()
    {
        var history = new JsonArray(
            new JsonObject { ["epoch"] = 1, ["train_loss"] = 0.7, ["train_accuracy"] = 0.5, ["validation_loss"] = 0.69, ["validation_accuracy"] = 0.55 },
            new JsonObject { ["epoch"] = 2, ["train_loss"] = 0.5, ["train_accuracy"] = 0.75, ["validation_loss"] = 0.52, ["validation_accuracy"] = 0.8 },
            // Read back from expert.json, numbers are JSON elements rather than CLR values: both must read alike.
            JsonNode.Parse("""{"epoch": 3, "train_loss": 0.4, "train_accuracy": 0.8, "validation_loss": 0.55, "validation_accuracy": 0.78}"""));
        var result = new ExpertResult(Expert("sst2-tt", "sst2", 0.8, 0.79, history: history, bestEpoch: 2));
        string html = ExpertView.ToHtml(result);
        var root = Parse(html);
        var card = CardRows(root, "expert sst2-tt");
        Assert.Equal("79.0%", card["test accuracy"].Value);
        Assert.True(card["test accuracy"].HasClass("hl-best")); // above the 50% majority baseline
        Assert.Equal(["neg", "pos"], card["labels"].All("span").Where(s => s.HasClass("ttl-chip-label")).Select(s => s.Value));
        var rows = BodyCells(Table(root, "history"));
        Assert.Equal(["1", "2", "3"], rows.Select(r => r[0].Value));
        Assert.All(rows[1], c => Assert.True(c.HasClass("hl-best")));
        Assert.DoesNotContain(rows[0].Concat(rows[2]), c => c.HasClass("hl-best"));
        Assert.Equal("0.5200", rows[1][3].Value);
        Assert.Equal("78.0%", rows[2][4].Value);
        Assert.Equal(1, HtmlDoc.Count(html, "plotly.js v2.28.0"));

        var figure = ExpertView.Curves("sst2-tt", EpochHistory.Read(history)).ToJson();
        var traces = figure["data"]!.AsArray();
        Assert.Equal(["train loss", "validation loss", "train accuracy", "validation accuracy"], traces.Select(t => t!["name"]!.GetValue<string>()));
        Assert.Equal([0.55, 0.8, 0.78], traces[3]!["y"]!.AsArray().Select(n => n!.GetValue<double>()));
        Assert.Equal("y2", traces[3]!["yaxis"]!.GetValue<string>());
        Assert.Equal(1, figure["layout"]!["xaxis"]!["dtick"]!.GetValue<int>());

        // A below-baseline expert is flagged, and no history means no table or chart.
        var weak = Parse(ExpertView.ToHtml(new ExpertResult(Expert("weak", "sst2", 0.5, 0.4))));
        Assert.True(CardRows(weak, "expert weak")["test accuracy"].HasClass("hl-warn"));
        Assert.DoesNotContain(weak.All("table"), t => t.HasClass("ttl-table"));
    }

    static string Llama32Config([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "fixtures", "models", "llama-3.2-1b", "config.json");

    [Fact]
    public void PlanListsEveryModuleWithItsTtShapeAndTheTotal()
    {
        var outcome = CliHarness.Run("plan", "--config", Llama32Config(), "--adapter", "tt-lora", "--targets", "q_proj,v_proj", "--rank", "5", "--labels", "2");
        var result = Assert.IsType<PlanResult>(outcome.Results.Single().Result);
        var root = Parse(PlanView.ToHtml(result));
        var rows = BodyCells(Table(root, "modules"));
        Assert.Equal(["q_proj", "v_proj", "total", "score (head)"], rows.Select(r => r[0].Value));
        Assert.Equal("[16,8,4,4,4,4,8,16]", rows[0][6].Value);
        Assert.Equal("[16,16,4,2,2,16,16]", rows[1][6].Value);
        Assert.Equal("[1,5,5,5,5,5,5,5,1]", rows[0][9].Value);
        Assert.Equal("0-15", rows[0][2].Value);
        Assert.Equal("2,048 → 2,048", rows[0][1].Value);
        Assert.Equal("33,920", rows[2][4].Value);
        Assert.True(rows[2][4].HasClass("hl-best"));
        Assert.Equal(result.Plan.HeadParameters.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), rows[3][4].Value);
        var card = CardRows(root, "tt-lora plan");
        Assert.StartsWith(result.Plan.TrainableParameters.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " (", card["trainable"].Value);
    }

    [Fact]
    public void PredictionsMarkThePredictedLabelInTheirBars()
    {
        string longText = new('x', 300);
        var result = new PredictionResult("spam-tt", ["ham", "spam"], ["free <money>", longText], [[0.1f, 0.9f], [0.7f, 0.3f]]);
        var root = Parse(PredictionView.ToHtml(result));
        var rows = BodyCells(root.All("table").Single());
        Assert.Equal(["free <money>", new string('x', 240) + "…"], rows.Select(r => r[1].Value));
        Assert.Equal(longText, rows[1][1].Attribute("title")!.Value);
        Assert.Equal(["spam", "ham"], rows.Select(r => r[2].Value));
        Assert.All(rows, r => Assert.True(r[2].HasClass("hl-chosen")));
        for (int i = 0; i < rows.Length; i++)
        {
            var bars = rows[i][3].All("div").Single(d => d.HasClass("ttl-bars")).Elements().ToArray();
            Assert.Equal(6, bars.Length); // label, bar, value for each of two labels
            int predicted = i == 0 ? 1 : 0;
            Assert.Equal([predicted == 0, predicted == 0, predicted == 0, predicted == 1, predicted == 1, predicted == 1], bars.Select(b => b.HasClass("hl-chosen")));
            Assert.Equal(i == 0 ? ["10.0%", "90.0%"] : ["70.0%", "30.0%"], new[] { bars[2].Value, bars[5].Value });
        }
    }

    static TaskSummary Summary() => new("spam", "e-mail: ham or spam", ["ham", "spam"],
        new SplitStatistics(10, [7, 3]), new SplitStatistics(4, [2, 2]), new SplitStatistics(5, [4, 1]));

    [Fact]
    public void TaskListShowsSizesBaselineAndLabelBalanceBars()
    {
        var root = Parse(TaskListView.ToHtml(new TaskListResult([Summary()])));
        var row = BodyCells(root.All("table").Single()).Single();
        Assert.Equal(["spam", "e-mail: ham or spam", "10", "4", "5", "80.0%"], row.Take(6).Select(c => c.Value));
        var bars = row[6].All("div").Single(d => d.HasClass("ttl-bars")).Elements().ToArray();
        Assert.Equal(["ham", "70.0%", "spam", "30.0%"], new[] { bars[0].Value, bars[2].Value, bars[3].Value, bars[5].Value });
        Assert.True(bars[1].HasClass("hl-chosen")); // the majority label
        Assert.Equal("width:100%", bars[1].Descendants().Single(d => d.HasClass("ttl-bar")).Attribute("style")!.Value);
        Assert.Equal("width:42.86%", bars[4].Descendants().Single(d => d.HasClass("ttl-bar")).Attribute("style")!.Value);
    }

    [Fact]
    public void TaskPreviewShowsSplitsAndEscapedExamples()
    {
        var preview = new TaskPreview(Summary(), [new LabelledExample("a1", "<script>alert(1)</script>", 1), new LabelledExample("a2", new string('y', 500), 0)]);
        string html = TaskPreviewView.ToHtml(new TaskPreviewResult(preview));
        Assert.DoesNotContain("<script>alert", html);
        var root = Parse(html);
        var splits = BodyCells(Table(root, "splits"));
        Assert.Equal(["train", "10", "70.0%", "30.0%", "70.0%"], splits[0].Select(c => c.Value));
        Assert.Equal("7 examples", splits[0][2].Attribute("title")!.Value);
        var examples = BodyCells(Table(root, "examples"));
        Assert.Equal(["a1", "spam", "<script>alert(1)</script>"], examples[0].Select(c => c.Value));
        Assert.Equal(401, examples[1][2].Value.Length);
        Assert.Equal("500 characters", examples[1][2].Attribute("title")!.Value);
    }

    [Fact]
    public void PretrainAndSessionDefaultsAreCards()
    {
        var report = new PretrainReport("/models/tt-base", 1_234_567, 4096, 3000, 1_000_000, 3.1, Math.Log(20), TimeSpan.FromSeconds(12), TimeSpan.FromMinutes(5.5), 3030.3);
        var card = CardRows(Parse(PretrainView.ToHtml(new PretrainResult(report))), "pretrained base model");
        Assert.Equal("1,234,567", card["parameters"].Value);
        Assert.Equal("perplexity 20 (loss 2.996)", card["validation"].Value);
        Assert.Equal("tokenizer 12.0 s, training 5m 30s", card["time"].Value);
        Assert.Equal("3,030 tokens/s", card["speed"].Value);

        var defaults = new SessionDefaults(null, "/work/registry", "cpu");
        var bundle = MimeBundles.For(defaults);
        Assert.Equal(defaults.ToText(), bundle[MimeBundles.PlainText]);
        var rows = CardRows(Parse((string)bundle[MimeBundles.Html]), "session defaults");
        Assert.Equal(["(none)", "/work/registry", "cpu"], rows.Values.Select(v => v.Value));
        Assert.True(rows["model"].HasClass("hl-muted"));
    }

    [Fact]
    public void BenchmarkMarksTargetsMetAndMissed()
    {
        var options = new AdapterBenchmarkOptions { Batch = 4, Sequence = 32, InFeatures = 256, OutFeatures = 256, Model = ModelPresets.Get("tiny"), Repeats = 3 };
        var report = new AdapterBenchmarkReport(options, 2,
        [
            new BenchmarkTiming("projection", "lora", "forward", 1.0, 0.9, 3),
            new BenchmarkTiming("projection", "tt-factorized", "forward", 1.2, 1.1, 3),
            new BenchmarkTiming("projection", "lora", "forward+backward", 3.0, 2.9, 3),
        ],
        [
            new BenchmarkRatio("tt-factorized / lora (forward)", 1.2, 1.22, 1.5),
            new BenchmarkRatio("tt-contraction / lora (forward)", 4.1, 4.0, 2.0),
            new BenchmarkRatio("merged / base", 1.01, 1.0, null),
        ]);
        var root = Parse(new AdapterBenchmarkResult(report).ToHtml());
        var timings = BodyCells(Table(root, "timings"));
        Assert.Equal([true, false, false], timings.Select(r => r[3].HasClass("hl-best"))); // fastest forward; a lone phase is not ranked
        var ratios = BodyCells(Table(root, "ratios"));
        Assert.Equal(["met", "missed", "no target"], ratios.Select(r => r[4].Value));
        Assert.True(ratios[0][4].HasClass("hl-best") && ratios[0][1].HasClass("hl-best"));
        Assert.True(ratios[1][4].HasClass("hl-warn") && ratios[1][1].HasClass("hl-warn"));
        Assert.Null(ratios[2][1].Class()!.Split(' ').FirstOrDefault(c => c.StartsWith("hl-")));
        Assert.Equal(["≤ 1.50", "≤ 2.00", ""], ratios.Select(r => r[3].Value));
        Assert.Equal("4.100", ratios[1][1].Value);
    }

    [Fact]
    public void EveryResultFormatsThroughMimeBundlesAndTheFormatterRegistry()
    {
        // None of these has a chart, whose element ids would differ between two renderings.
        var results = new ICommandResult[]
        {
            new RegistryResult("/r", [Expert("a", "t", 0.5, 0.6)]),
            new ExpertResult(Expert("a", "t", 0.5, 0.6)),
            new PredictionResult("a", ["x", "y"], ["text"], [[0.4f, 0.6f]]),
            new TaskListResult([Summary()]),
            new TaskPreviewResult(new TaskPreview(Summary(), [])),
            new PretrainResult(new PretrainReport("/m", 1, 2, 3, 4, 5, 6, TimeSpan.Zero, TimeSpan.Zero, 7, Reused: true)),
            new SessionDefaults("/m", "/r", "auto"),
        };
        foreach (var result in results)
        {
            var bundle = MimeBundles.For(result);
            Assert.Equal([MimeBundles.Html, MimeBundles.PlainText], bundle.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(result.ToText(), bundle[MimeBundles.PlainText]);
            string html = Assert.IsType<string>(bundle[MimeBundles.Html]);
            Parse(html);
            Assert.Equal(html, Formatter.ToDisplayString(result, MimeBundles.Html));
            Assert.Equal(result.ToText(), Formatter.ToDisplayString(result, MimeBundles.PlainText));
        }
    }
}

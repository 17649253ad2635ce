using System.Text.RegularExpressions;
using Microsoft.DotNet.Interactive.Formatting;
using TtLora.Core.Registry;
using TtLora.Core.Routing;
using TtLora.Extension.Display;
using TtLora.Extension.Formatting;
using TtLora.Extension.Results;

namespace TtLora.Extension.Tests.Formatting;

/// <summary>
/// Every result type the command set defines, produced by running its verb on a tiny base and two experts, renders as
/// a designed view: its own text, HTML through the formatter registry, and never an object dump or a CLR type name.
/// A new result type fails here until it has a sample (and so a checked view). Each view is also saved as a page under
/// <c>$TTLORA_ARTIFACTS/views</c>.
/// </summary>
[Collection(RoutingCollection.Name)]
public sealed partial class EveryResultViewTests(RoutingCommandFixture fixture)
{
    // "Name { Field = ...": what a record's default ToString and the default HTML formatter print.
    [GeneratedRegex(@"\b[A-Z]\w* \{ \w+ = ")]
    private static partial Regex ObjectDump();

    // A namespace-qualified CLR name (System.String[], TtLora.Core.Routing.RouterConfig, ...).
    [GeneratedRegex(@"\b(System|TtLora|Microsoft)\.[A-Z]\w*")]
    private static partial Regex ClrTypeName();

    [GeneratedRegex("ttl-(plot|sort)-[0-9a-f]{32}")]
    private static partial Regex ElementId();

    string[] Common => ["--registry", fixture.Registry];

    ICommandResult Run(params string[] args)
    {
        var outcome = CliHarness.Run(args);
        Assert.True(outcome.ExitCode == 0, $"{string.Join(' ', args)}: {outcome.Error}");
        return outcome.Results.Single().Result;
    }

    [Fact]
    public void EveryResultTypeHasAnHtmlViewAndNoObjectDump()
    {
        using var tmp = new TempFolder();
        string tasksFile = tmp["texts.jsonl"];
        File.WriteAllLines(tasksFile,
        [
            """{"text": "Wheat and corn exports rose as the grain harvest estimate was raised.", "task": "reuters-grain"}""",
            """{"text": "A fool and his money are soon parted.", "task": "fortune-category"}""",
            """{"text": "No task is known for this one."}""",
        ]);
        string[] experts = ["--experts", string.Join(",", RoutingCommandFixture.Tasks)];
        var router = (RouterResult)Run(["route-train", .. experts, "--name", "views-router", "--epochs", "2", "--max-length", "32", .. Common]);
        var evaluation = (EvaluationResult)Run(["eval", "--router", "views-router", "--max-examples", "8", "--no-baselines", .. Common]);
        var pretrain = (PretrainResult)Run("pretrain", "--out", fixture.BaseDir);
        var tasks = (TaskListResult)Run("data", "list");
        var extra = (ExpertResult)Run(["train", "--task", "reuters-grain", "--model", fixture.BaseDir, "--name", "views-extra", "--epochs", "1",
            "--max-train-examples", "16", "--max-length", "32", .. Common]);
        var samples = new List<ICommandResult>
        {
            router, evaluation, pretrain, tasks, extra,
            Run(["route", "--router", "views-router", "--text", "The wheat harvest rose sharply.", "--model", fixture.BaseDir, .. Common]),
            Run(["route", "--router", "views-router", "--file", tasksFile, "--model", fixture.BaseDir, .. Common]),
            Run(["experts", "remove", "views-extra", .. Common]),
            Run(["experts", .. Common]),
            Run(["show", "--expert", RoutingCommandFixture.Tasks[0], .. Common]),
            Run(["predict", "--expert", "reuters-grain", "--text", "Grain prices fell.", "--model", fixture.BaseDir, .. Common]),
            Run("data", "show", "reuters-grain", "--examples", "2"),
            Run("model", "info", "--model", fixture.BaseDir),
            Run("tokenize", "--tokenizer", Path.Combine(fixture.BaseDir, "tokenizer.json"), "--text", "grain <b>prices</b>"),
            Run("generate", "--model", fixture.BaseDir, "--prompt", "the", "--max-new-tokens", "2"),
            Run("plan", "--config", fixture.BaseDir, "--adapter", "tt-lora", "--rank", "2"),
            Run("use", "--model", fixture.BaseDir),
            Run("help", "route"),
            Run(["bench", "routing", "--router", "views-router", "--quick", "--epochs", "1", "--batch-size", "8", .. Common]),
            Run("bench", "adapters", "--quick", "--repeats", "1"),
            Run("bench", "model", "--preset", "tiny", "--batch", "2", "--seq-len", "16", "--repeats", "1", "--checkpoint-mb", "1"),
            Run("submit", "--tasks", "spam,reuters-grain", "--model", fixture.BaseDir, "--registry", tmp["slurm-registry"], "--runs", tmp["runs"],
                "--name", "views", "--ttlora", "ttlora", "--dry-run"),
            Run("jobs", "views", "--runs", tmp["runs"]),
            Run("jobs", "--runs", tmp["runs"]),
        };
        // The demo's result is too slow to produce here; it is assembled from the same verbs' parts.
        var registry = new ExpertRegistry(fixture.Registry);
        samples.Add(new DemoRunResult(["step"], pretrain.Report, tasks.Tasks.Where(t => RoutingCommandFixture.Tasks.Contains(t.Name)).ToList(),
            RoutingCommandFixture.Tasks.Select(registry.Get).ToList(), evaluation.Evaluation, TimeSpan.FromSeconds(75), "report.html", "results.json"));

        var byType = samples.GroupBy(s => s.GetType()).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Empty(TtLoraFormatters.ResultTypes.Where(t => !byType.ContainsKey(t)).Select(t => $"{t.Name} has no sample in this test; add its verb above"));
        Assert.All(byType.Keys, t => Assert.Contains(t, TtLoraFormatters.ResultTypes));

        string pages = Directory.CreateDirectory(Path.Combine(ArtifactsFolder.Path, "views")).FullName;
        for (int i = 0; i < samples.Count; i++)
        {
            var result = samples[i];
            string name = result.GetType().Name;
            var bundle = MimeBundles.For(result);
            // Each view as a page of its own, for people to open (the notebook tests render them in a browser too).
            File.WriteAllText(Path.Combine(pages, $"{i:00}-{name}.html"),
                $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{name}</title></head><body>{bundle[MimeBundles.Html]}</body></html>");
            string text = Assert.IsType<string>(bundle[MimeBundles.PlainText]);
            string html = Assert.IsType<string>(bundle[MimeBundles.Html]);
            Assert.Equal(result.ToText(), text);
            Assert.True(html.StartsWith("<div class=\"ttl\"><style>", StringComparison.Ordinal), $"{name}: its HTML is not a tt-lora view: {html[..Math.Min(120, html.Length)]}");
            HtmlDoc.Parse(html.Replace(PlotlyJs.LoaderScript, ""));
            // The formatter registry gives the same view (chart element ids differ between two renderings).
            Assert.Equal(ElementId().Replace(html, ""), ElementId().Replace(Formatter.ToDisplayString(result, MimeBundles.Html), ""));
            Assert.Equal(text, Formatter.ToDisplayString(result, MimeBundles.PlainText));
            if (result.Figure is { } figure)
                Assert.Equal(figure.ToJson().ToJsonString(), Assert.IsType<System.Text.Json.Nodes.JsonObject>(bundle[MimeBundles.PlotlyJson]).ToJsonString());
            else
                Assert.False(bundle.ContainsKey(MimeBundles.PlotlyJson), $"{name}: a plotly part without a figure");
            foreach (var (kind, output) in new[] { ("text", text), ("html", html.Replace(PlotlyJs.LoaderScript, "")) })
            {
                Assert.False(ObjectDump().IsMatch(output), $"{name} {kind} has an object dump: {ObjectDump().Match(output).Value}");
                Assert.False(ClrTypeName().IsMatch(output), $"{name} {kind} names a CLR type: {ClrTypeName().Match(output).Value}");
            }
        }
    }
}

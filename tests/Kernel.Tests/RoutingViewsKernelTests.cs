using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TtLora.Kernel.Tests;

/// <summary>
/// The routing and benchmark verbs in one notebook cell, through Jupyter's own client: each result is a designed view
/// (structure checked through its Plotly part and HTML), plotly.js travels once per session, and no output is an
/// object dump or names a CLR type.
/// </summary>
public partial class RoutingViewsKernelTests
{
    const string LoaderMarker = "(function(define,exports,module){if(typeof window.Plotly!=='undefined')return;";

    [GeneratedRegex(@"\b[A-Z]\w* \{ \w+ = ")]
    private static partial Regex ObjectDump();

    [GeneratedRegex(@"\b(System|TtLora|Microsoft)\.[A-Z]\w*")]
    private static partial Regex ClrTypeName();

    [Fact]
    public void RouteRouteTrainEvalAndBenchShowTheirViews()
    {
        using var sandbox = new JupyterSandbox("ttlora-views");
        string model = sandbox["base"], registry = sandbox["registry"], texts = sandbox["texts.jsonl"];
        File.WriteAllLines(texts,
        [
            """{"text": "Wheat and corn exports rose as the grain harvest estimate was raised.", "task": "reuters-grain"}""",
            """{"text": "A fool and his money are soon parted.", "task": "fortune-category"}""",
            """{"text": "Nobody knows which task this line is from."}""",
        ]);
        string cell = string.Join('\n',
            $"#!tt-lora pretrain --out \"{model}\" --preset tiny --steps 20 --vocab-size 300 --seq-len 32 --batch-size 8",
            $"#!tt-lora use --model \"{model}\" --registry \"{registry}\"",
            "#!tt-lora train --task reuters-grain --epochs 1 --max-train-examples 48 --max-length 32",
            "#!tt-lora train --task fortune-category --epochs 1 --max-train-examples 48 --max-length 32",
            "#!tt-lora route-train --experts reuters-grain-tt-lora,fortune-category-tt-lora --name views --epochs 2 --max-length 32",
            "#!tt-lora route --router views --text \"The wheat harvest rose sharply this year.\"",
            $"#!tt-lora route --router views --file \"{texts}\"",
            "#!tt-lora eval --router views --max-examples 8 --no-baselines",
            "#!tt-lora bench routing --router views --quick --epochs 1 --batch-size 8",
            "#!tt-lora bench adapters --quick --repeats 1",
            "#!tt-lora bench model --preset tiny --batch 2 --seq-len 16 --repeats 1 --checkpoint-mb 1");
        string script = Path.Combine(TestPaths.RepositoryRoot, "tests", "Kernel.Tests", "Fixtures", "run_cell.py");
        var run = ChildProcess.Run(JupyterPython.Interpreter, [script, sandbox.KernelName, cell, "600"], TimeSpan.FromMinutes(12), sandbox.Environment, sandbox.Path);
        Assert.True(run.ExitCode == 0, $"run_cell.py failed (exit {run.ExitCode}):\n{run.Error}");
        var observed = JsonNode.Parse(run.Output.Trim().Split('\n')[^1])!;
        Assert.True((string)observed["reply"]!["status"]! == "ok", observed["reply"]!.ToJsonString());

        var shown = observed["outputs"]!.AsArray().Select(o => (Type: (string)o!["type"]!, Data: o["content"]!["data"] as JsonObject))
            .Where(o => o.Type is "display_data" or "update_display_data" && o.Data is not null).ToList();
        // plotly.js once for the whole session, however many charts (the live progress' final chart included).
        Assert.Equal(1, shown.Sum(o => Count(Html(o.Data!), LoaderMarker)));
        foreach (var (_, data) in shown)
        {
            string text = (string)data!["text/plain"]!, html = Html(data);
            foreach (var output in new[] { text, html })
            {
                Assert.False(ObjectDump().IsMatch(output), $"an object dump: {ObjectDump().Match(output).Value}");
                Assert.False(ClrTypeName().IsMatch(output), $"a CLR type name: {ClrTypeName().Match(output).Value}");
            }
        }

        // The verbs' results, in order, without the progress displays (whose text starts with the magic they follow).
        var results = shown.Where(o => o.Type == "display_data" && !((string)o.Data!["text/plain"]!).StartsWith("#!tt-lora ", StringComparison.Ordinal))
            .Select(o => o.Data!).ToList();
        Assert.Equal(11, results.Count);
        var (routeTrain, routeOne, routeMany, eval) = (results[4], results[5], results[6], results[7]);

        // route-train: the training curve, one point per epoch for loss and routing accuracy.
        var curve = Figure(routeTrain);
        Assert.Equal(["train loss", "validation loss", "train routing accuracy", "validation routing accuracy"], curve["data"]!.AsArray().Select(t => (string)t!["name"]!));
        Assert.All(curve["data"]!.AsArray(), t => Assert.Equal([1.0, 2.0], t!["x"]!.AsArray().Select(x => (double)x!)));
        Assert.Contains("training history", Html(routeTrain));

        // route, one text: one bar per expert, the chosen one (the most probable) in the highlight colour and marked in the table.
        var bars = Figure(routeOne)["data"]![0]!;
        Assert.Equal("bar", (string)bars["type"]!);
        var probabilities = bars["x"]!.AsArray().Select(v => (double)v!).ToArray();
        var colors = bars["marker"]!["color"]!.AsArray().Select(c => (string)c!).ToArray();
        int chosen = Array.IndexOf(probabilities, probabilities.Max());
        Assert.Equal(chosen, Array.IndexOf(colors, "#ff8c00"));
        Assert.Single(colors, "#ff8c00");
        Assert.Equal(1.0, probabilities.Sum(), 4);
        string chosenExpert = (string)bars["y"]![chosen]!;
        Assert.Contains($"<td class=\"hl-chosen\">{chosenExpert}</td>", Html(routeOne));
        Assert.Contains($"-> {chosenExpert}", (string)routeOne["text/plain"]!);

        // route, three texts: a 3 x 2 heatmap of probabilities, each row's chosen expert outlined, the true tasks beside.
        var heat = Figure(routeMany);
        var z = heat["data"]![0]!["z"]!.AsArray().Select(r => r!.AsArray().Select(v => (double)v!).ToArray()).ToArray();
        Assert.Equal(3, z.Length);
        Assert.All(z, row => Assert.Equal(1.0, row.Sum(), 4));
        var outlined = heat["layout"]!["shapes"]!.AsArray().Select(s => ((int)Math.Round((double)s!["y0"]! + 0.5), (int)Math.Round((double)s["x0"]! + 0.5))).ToArray();
        Assert.Equal(z.Select((row, r) => (r, Array.IndexOf(row, row.Max()))), outlined);
        Assert.Contains("<th>true task</th>", Html(routeMany));
        Assert.Contains("reuters-grain]", string.Join(' ', heat["data"]![0]!["y"]!.AsArray().Select(y => (string)y!)));

        // eval: the confusion counts of each task sum to the examples evaluated (8 per task); each task's own expert outlined.
        var confusion = Figure(eval);
        var counts = confusion["data"]![0]!["z"]!.AsArray().Select(r => r!.AsArray().Select(v => (double)v!).ToArray()).ToArray();
        Assert.Equal(2, counts.Length);
        Assert.All(counts, row => Assert.Equal(8, row.Sum()));
        Assert.Equal(2, confusion["layout"]!["shapes"]!.AsArray().Count);
        Assert.Contains("Test accuracy per task", Html(eval));
        Assert.Contains("<caption>same mixed batches, after one warm-up batch</caption>", Html(eval));

        // bench: the same view — timings and the ratio table with its status column — and no chart part.
        foreach (var bench in results.Skip(8).Take(2))
        {
            Assert.Contains("<caption>ratios</caption>", Html(bench));
            Assert.Contains("<th>status</th>", Html(bench));
            Assert.Null(bench["application/vnd.plotly.v1+json"]);
        }
        Assert.Contains("base model benchmark", Html(results[10]));
    }

    static string Html(JsonObject data) => (string?)data["text/html"] ?? "";

    static JsonObject Figure(JsonObject data) =>
        Assert.IsType<JsonObject>(data["application/vnd.plotly.v1+json"], exactMatch: false);

    static int Count(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}

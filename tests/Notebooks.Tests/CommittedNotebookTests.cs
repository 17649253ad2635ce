using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace TtLora.Notebooks.Tests;

/// <summary>
/// The notebooks as committed: on the ttlora kernel, parameterised, saved with clean outputs of a complete run, light
/// (plotly.js at most once, under 5 MB), and readable offline: nbconvert's HTML of the committed file draws every chart
/// in headless Chromium.
/// </summary>
public partial class CommittedNotebookTests(ITestOutputHelper output)
{
    /// <summary>The most a committed notebook may weigh, outputs included.</summary>
    public const long MaxBytes = 5_000_000;

    const string LoaderMarker = "(function(define,exports,module){if(typeof window.Plotly!=='undefined')return;";

    [GeneratedRegex(@"\b[A-Z]\w* \{ \w+ = ")]
    private static partial Regex ObjectDump();

    [GeneratedRegex(@"\b(System|TtLora|Microsoft)\.[A-Z]\w*")]
    private static partial Regex ClrTypeName();

    static JsonNode Read(string name) => JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.Notebooks, name)))!;

    static List<JsonNode> CodeCells(JsonNode notebook) =>
        notebook["cells"]!.AsArray().Where(c => (string)c!["cell_type"]! == "code").Select(c => c!).ToList();

    static string Source(JsonNode cell) => cell["source"] is JsonArray lines ? string.Concat(lines.Select(l => (string)l!)) : (string)cell["source"]!;

    [Theory]
    [MemberData(nameof(NotebookRuns.NameData), MemberType = typeof(NotebookRuns))]
    public void UsesTheTtloraKernel(string name)
    {
        var spec = Read(name)["metadata"]!["kernelspec"]!;
        Assert.Equal("ttlora", (string)spec["name"]!);
        Assert.Equal("csharp", (string)spec["language"]!);
        Assert.Equal("C# (tt-lora)", (string)spec["display_name"]!);
    }

    [Theory]
    [MemberData(nameof(NotebookRuns.NameData), MemberType = typeof(NotebookRuns))]
    public void OpensWithProseAndATaggedParametersCellThatReadsTheQuickSwitch(string name)
    {
        var notebook = Read(name);
        Assert.Equal("markdown", (string)notebook["cells"]![0]!["cell_type"]!);
        var parameters = CodeCells(notebook)[0];
        Assert.Contains("parameters", parameters["metadata"]!["tags"]?.AsArray().Select(t => (string)t!) ?? []);
        Assert.Contains(NotebookRuns.QuickVariable, Source(parameters));
    }

    [Theory]
    [MemberData(nameof(NotebookRuns.NameData), MemberType = typeof(NotebookRuns))]
    public void IsSavedWithTheOutputsOfOneCompleteErrorFreeRun(string name)
    {
        var cells = CodeCells(Read(name));
        Assert.Equal(Enumerable.Range(1, cells.Count), cells.Select(c => (int?)c["execution_count"] ?? 0));
        var errors = cells.SelectMany(c => c["outputs"]!.AsArray()).Where(o => (string)o!["output_type"]! == "error").ToList();
        Assert.True(errors.Count == 0, $"{name} was saved with errors: {string.Join("; ", errors.Select(e => (string)e!["evalue"]!))}");
    }

    [Theory]
    [MemberData(nameof(NotebookRuns.NameData), MemberType = typeof(NotebookRuns))]
    public void IsLightWithPlotlyJsAtMostOnce(string name)
    {
        string path = Path.Combine(TestPaths.Notebooks, name);
        long bytes = new FileInfo(path).Length;
        string text = File.ReadAllText(path);
        int copies = Regex.Count(text, Regex.Escape(LoaderMarker));
        output.WriteLine($"{name}: {bytes:N0} bytes, plotly.js {copies} time(s)");
        Assert.True(bytes < MaxBytes, $"{name} weighs {bytes:N0} bytes; committed notebooks stay under {MaxBytes:N0} (run tests/fixtures/notebooks/slim_outputs.py)");
        Assert.InRange(copies, 0, 1);
    }

    [Theory]
    [MemberData(nameof(NotebookRuns.NameData), MemberType = typeof(NotebookRuns))]
    public void ShowsNoObjectDumpOrClrTypeName(string name)
    {
        foreach (var o in CodeCells(Read(name)).SelectMany(c => c["outputs"]!.AsArray()).Select(o => o!))
        {
            var texts = new List<string>();
            if (o["text"] is { } stream) texts.Add(Joined(stream));
            if (o["data"] is JsonObject data)
                foreach (var mime in new[] { "text/plain", "text/html" })
                    if (data[mime] is { } value) texts.Add(Joined(value));
            foreach (var text in texts)
            {
                // The library's own source is not an output of ours; only what precedes and follows it is checked.
                string shown = Regex.Replace(text, @"\(function\(define,exports,module\).*?\}\)\.call\(window\);", "", RegexOptions.Singleline);
                Assert.False(ObjectDump().IsMatch(shown), $"{name}: an object dump in an output: {ObjectDump().Match(shown).Value}");
                Assert.False(ClrTypeName().IsMatch(shown), $"{name}: a CLR type name in an output: {ClrTypeName().Match(shown).Value}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(NotebookRuns.NameData), MemberType = typeof(NotebookRuns))]
    public void ChartsOfTheCommittedFileRenderOfflineInABrowser(string name)
    {
        using var folder = new TempFolder("ttlora-committed-");
        string html = folder["page.html"];
        var export = ChildProcess.Run(JupyterPython.Interpreter, [TestPaths.Fixture("notebooks", "export_html.py"), Path.Combine(TestPaths.Notebooks, name), html],
            TimeSpan.FromMinutes(2), null, folder.Path);
        Assert.True(export.ExitCode == 0, $"export_html.py failed: {export.Error}");
        var page = new RenderedPage(HeadlessChromium.DumpDom(html));
        output.WriteLine($"{name}: {page.Charts.Count} chart(s), {page.Tables} table(s)");
        Assert.NotEmpty(page.Charts);
        Assert.All(page.Charts, chart => Assert.True(chart.Rendered, $"{name}: chart {chart.Id} was not drawn (svg.main-svg: {chart.HasMainSvg}, traces: {chart.TraceKinds.Count})"));
        Assert.Equal(0, page.NotLoadedNotices);
    }

    static string Joined(JsonNode node) => node is JsonArray lines ? string.Concat(lines.Select(l => (string)l!)) : (string)node!;
}

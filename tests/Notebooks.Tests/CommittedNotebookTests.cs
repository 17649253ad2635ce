using System.Text.Json.Nodes;

namespace TtLora.Notebooks.Tests;

/// <summary>The notebooks as committed: on the ttlora kernel, parameterised, and saved with clean outputs of a complete run.</summary>
public class CommittedNotebookTests
{
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
}

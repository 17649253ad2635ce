using System.Text.Json.Nodes;

namespace TtLora.Kernel.Tests;

/// <summary>A committed notebook (tests/fixtures/kernel/smoke.ipynb) executed end to end by nbclient.</summary>
public class NotebookTests
{
    [Fact]
    public void SmokeNotebookRunsWithoutErrors()
    {
        using var sandbox = new JupyterSandbox("ttlora");
        var run = sandbox.RunPython("run_notebook.py", TestPaths.Fixture("kernel", "smoke.ipynb"), sandbox.Path);
        Assert.True(run.ExitCode == 0, $"run_notebook.py failed (exit {run.ExitCode}):\n{run.Error}");
        var result = JsonNode.Parse(run.Output.Trim().Split('\n')[^1])!;
        Assert.Equal("ttlora", (string)result["kernel"]!);
        var cells = result["cells"]!.AsArray().Select(c => c!["outputs"]!.AsArray().Select(o => o!).ToList()).ToList();
        var errors = cells.SelectMany(c => c).Where(o => (string)o["type"]! == "error").ToList();
        Assert.True(errors.Count == 0, $"cell errors: {string.Join("; ", errors.Select(e => e.ToJsonString()))}");
        Assert.Equal(new[] { 1, 2, 3, 4, 5 }, result["cells"]!.AsArray().Select(c => (int)c!["execution_count"]!));

        Assert.Equal("10", (string)Assert.Single(cells[0])["text"]!);
        var help = Assert.Single(cells[1]);
        Assert.Contains("text/html", help["mime_types"]!.AsArray().Select(m => (string)m!));
        Assert.Contains("Commands:", (string)help["text"]!);
        Assert.Equal(new[] { "stream", "display_data" }, cells[2].Select(o => (string)o["type"]!));
        Assert.Equal("mean 2.5\n", (string)cells[2][0]["text"]!);
        Assert.Equal("4", (string)cells[2][1]["text"]!);
        Assert.Equal("4", (string)Assert.Single(cells[3])["text"]!); // the sum of a 2x2 tensor of ones, from TorchSharp
        Assert.Contains("device    cpu", (string)Assert.Single(cells[4])["text"]!);
    }
}

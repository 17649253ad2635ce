using System.Text.Json.Nodes;

namespace TtLora.Kernel.Tests;

/// <summary>A training verb in a notebook cell shows one progress display that Jupyter's client sees updated in place.</summary>
public class LiveProgressKernelTests
{
    const int Steps = 12;

    [Fact]
    public void PretrainShowsOneDisplayUpdatedInPlaceUntilDone()
    {
        using var sandbox = new JupyterSandbox("ttlora-progress");
        string script = Path.Combine(TestPaths.RepositoryRoot, "tests", "Kernel.Tests", "Fixtures", "run_cell.py");
        string cell = $"#!tt-lora pretrain --out \"{sandbox["tiny-base"]}\" --preset tiny --steps {Steps} --vocab-size 300 --seq-len 16 --batch-size 4";
        var run = ChildProcess.Run(JupyterPython.Interpreter, [script, sandbox.KernelName, cell], TimeSpan.FromMinutes(6), sandbox.Environment, sandbox.Path);
        Assert.True(run.ExitCode == 0, $"run_cell.py failed (exit {run.ExitCode}):\n{run.Error}");
        var observed = JsonNode.Parse(run.Output.Trim().Split('\n')[^1])!;
        Assert.True((string)observed["reply"]!["status"]! == "ok", observed["reply"]!.ToJsonString());

        var outputs = observed["outputs"]!.AsArray().Select(o => (Type: (string)o!["type"]!, Content: o["content"]!.AsObject()))
            .Where(o => o.Type is "display_data" or "update_display_data").ToList();
        // The first display is the progress; its id is the one every update names.
        var (firstType, first) = outputs[0];
        Assert.Equal("display_data", firstType);
        string id = (string)first["transient"]!["display_id"]!;
        Assert.StartsWith("#!tt-lora pretrain: ", (string)first["data"]!["text/plain"]!);
        Assert.Contains("ttl-progress", (string)first["data"]!["text/html"]!);

        var updates = outputs.Where(o => o.Type == "update_display_data").Select(o => o.Content).ToList();
        Assert.True(updates.Count >= 2, $"{updates.Count} update(s): expected the steps and the final one");
        Assert.All(updates, u => Assert.Equal(id, (string)u["transient"]!["display_id"]!));
        Assert.All(updates, u => Assert.Contains("ttl-progress", (string)u["data"]!["text/html"]!));
        // Throttled: at most one message per step, plus the tokenizer phase and the final summary.
        Assert.InRange(updates.Count + 1, 3, Steps + 2);
        Assert.Contains(updates.SkipLast(1), u => ((string)u["data"]!["text/plain"]!).Contains("pretrain, step "));
        Assert.All(updates.SkipLast(1), u => Assert.DoesNotContain("<script", (string)u["data"]!["text/html"]!));

        // The result shows as its own display, before the final update that completes the progress in place.
        int result = outputs.FindIndex(o => o.Type == "display_data" && ((string)o.Content["data"]!["text/plain"]!).StartsWith("pretrained base model in"));
        Assert.True(result > 0, "no pretrain result display");
        Assert.NotEqual(id, (string)outputs[result].Content["transient"]!["display_id"]!);
        var (lastType, last) = outputs[^1];
        Assert.Equal("update_display_data", lastType);
        string lastText = (string)last["data"]!["text/plain"]!;
        Assert.Contains($"step {Steps}/{Steps} (100%)", lastText);
        Assert.Contains("validation loss", lastText);
        Assert.EndsWith(", done", lastText);
        string lastHtml = (string)last["data"]!["text/html"]!;
        Assert.Contains("Plotly.newPlot", lastHtml);
        Assert.Contains("width:100%", lastHtml);
    }
}

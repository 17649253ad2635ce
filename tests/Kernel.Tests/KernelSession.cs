using System.Text.Json.Nodes;

namespace TtLora.Kernel.Tests;

/// <summary>
/// One real kernel session, driven by Jupyter's own client (tests/fixtures/kernel/drive_kernel.py): the kernelspec
/// is installed into a private Jupyter folder, the kernel runs every scenario once, and the tests read what it sent.
/// </summary>
public sealed class KernelSession : IDisposable
{
    readonly JupyterSandbox sandbox = new("ttlora-session");

    public KernelSession()
    {
        ModelFolder = sandbox["tiny-model"];
        var create = ChildProcess.Ttlora(["model", "create", "--out", ModelFolder, "--preset", "tiny"]);
        Assert.True(create.ExitCode == 0, $"model create failed: {create.Error}");
        var info = ChildProcess.Ttlora(["model", "info", "--model", ModelFolder, "--json"]);
        Assert.True(info.ExitCode == 0, $"model info failed: {info.Error}");
        TerminalModelInfo = JsonNode.Parse(info.Output)!;

        var run = sandbox.RunPython("drive_kernel.py", sandbox.KernelName, ModelFolder);
        KernelLog = run.Error;
        Assert.True(run.ExitCode == 0, $"drive_kernel.py failed (exit {run.ExitCode}):\n{run.Error}");
        Results = JsonNode.Parse(run.Output.Trim().Split('\n')[^1])!.AsObject();
    }

    public string ModelFolder { get; }

    /// <summary>What <c>ttlora model info --json</c> printed in a terminal for the same model.</summary>
    public JsonNode TerminalModelInfo { get; }

    /// <summary>Everything the driver observed, keyed by scenario.</summary>
    public JsonObject Results { get; }

    /// <summary>The driver's stderr, which carries the kernel's own log lines.</summary>
    public string KernelLog { get; }

    public JsonObject Reply(string scenario) => Results[scenario]!["reply"]!.AsObject();

    /// <summary>The iopub messages of a cell other than execute_input, as (type, content).</summary>
    public IReadOnlyList<(string Type, JsonObject Content)> Outputs(string scenario) =>
        Results[scenario]!["outputs"]!.AsArray()
            .Select(o => ((string)o!["type"]!, o["content"]!.AsObject()))
            .Where(o => o.Item1 != "execute_input")
            .ToList();

    public double Seconds(string key) => (double)Results[key]!;

    public void Dispose() => sandbox.Dispose();
}

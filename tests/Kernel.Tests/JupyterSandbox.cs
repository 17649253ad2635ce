namespace TtLora.Kernel.Tests;

/// <summary>
/// A private Jupyter environment in a temporary folder: the kernelspec installed with <c>ttlora kernel install
/// --prefix</c>, and Jupyter's data, runtime and config folders pointed inside it, so nothing of the user's
/// setup is read or written.
/// </summary>
internal sealed class JupyterSandbox : IDisposable
{
    readonly TempFolder folder = new();

    public JupyterSandbox(string kernelName)
    {
        KernelName = kernelName;
        var install = ChildProcess.Ttlora(["kernel", "install", "--prefix", folder["prefix"], "--name", kernelName]);
        Assert.True(install.ExitCode == 0, $"kernel install failed: {install.Error}");
        KernelJson = System.IO.Path.Combine(folder["prefix"], "share", "jupyter", "kernels", kernelName, "kernel.json");
        Environment = new Dictionary<string, string?>
        {
            ["JUPYTER_PATH"] = System.IO.Path.Combine(folder["prefix"], "share", "jupyter"),
            ["JUPYTER_DATA_DIR"] = folder["data"],
            ["JUPYTER_RUNTIME_DIR"] = folder["runtime"],
            ["JUPYTER_CONFIG_DIR"] = folder["config"],
            // Jupyter's path migration notice would otherwise land on stderr.
            ["JUPYTER_PLATFORM_DIRS"] = "1",
        };
    }

    public string KernelName { get; }
    public string KernelJson { get; }
    public string Path => folder.Path;
    public IReadOnlyDictionary<string, string?> Environment { get; }

    public string this[string name] => folder[name];

    /// <summary>Runs a Python script from tests/fixtures/kernel in this environment.</summary>
    public ChildProcess.Result RunPython(string script, params string[] arguments) =>
        ChildProcess.Run(JupyterPython.Interpreter, [TestPaths.Fixture("kernel", script), .. arguments], TimeSpan.FromMinutes(4), Environment, folder.Path);

    public void Dispose() => folder.Dispose();
}

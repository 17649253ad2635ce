using System.Text.Json.Nodes;

namespace TtLora.Kernel.Tests;

/// <summary><c>ttlora kernel install</c> and the <c>kernel</c> verb's errors, through the real executable.</summary>
public class KernelInstallTests
{
    [Fact]
    public void KernelJsonStartsThisExecutable()
    {
        using var sandbox = new JupyterSandbox("ttlora-spec");
        var spec = JsonNode.Parse(File.ReadAllText(sandbox.KernelJson))!;
        var argv = spec["argv"]!.AsArray().Select(a => (string)a!).ToList();
        Assert.Equal(5, argv.Count);
        Assert.True(Path.IsPathRooted(argv[0]) && File.Exists(argv[0]), $"launcher {argv[0]} is not an absolute path to a file");
        Assert.Equal("dotnet", Path.GetFileNameWithoutExtension(argv[0]));
        Assert.Equal(TestPaths.TtloraDll, argv[1]);
        Assert.Equal(new[] { "kernel", "--connection-file", "{connection_file}" }, argv[2..]);
        Assert.Equal("C# (tt-lora)", (string)spec["display_name"]!);
        Assert.Equal("csharp", (string)spec["language"]!);
        Assert.Equal("message", (string)spec["interrupt_mode"]!);
        Assert.False((bool)spec["metadata"]!["debugger"]!);
    }

    [Fact]
    public void UserInstallGoesToTheUsersJupyterDataFolder()
    {
        using var home = new TempFolder();
        var run = ChildProcess.Ttlora(["kernel", "install", "--user"], new Dictionary<string, string?>
        {
            ["HOME"] = home.Path, ["XDG_DATA_HOME"] = null, ["JUPYTER_DATA_DIR"] = null,
        });
        Assert.Equal(0, run.ExitCode);
        string folder = Path.Combine(home.Path, ".local", "share", "jupyter", "kernels", "ttlora");
        Assert.True(File.Exists(Path.Combine(folder, "kernel.json")));
        Assert.Equal($"Installed kernelspec ttlora in {folder}", run.Output.Trim());
        Assert.Empty(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories)); // the atomic write left nothing behind
    }

    [Fact]
    public void JupyterPathInstallTakesNameAndDisplayName()
    {
        using var root = new TempFolder();
        var run = ChildProcess.Ttlora(["kernel", "install", "--jupyter-path", root.Path, "--name", "tt2", "--display-name", "C# (second)"]);
        Assert.Equal(0, run.ExitCode);
        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(root.Path, "kernels", "tt2", "kernel.json")))!;
        Assert.Equal("C# (second)", (string)spec["display_name"]!);
    }

    [Fact]
    public void TwoInstallLocationsAreAUsageError()
    {
        using var root = new TempFolder();
        var run = ChildProcess.Ttlora(["kernel", "install", "--user", "--prefix", root.Path]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error: --user, --prefix: choose one install location", run.Error);
        Assert.Contains("See 'ttlora kernel install --help'.", run.Error);
        Assert.Empty(Directory.GetFileSystemEntries(root.Path));
    }

    [Fact]
    public void KernelNamesAreChecked()
    {
        using var root = new TempFolder();
        var run = ChildProcess.Ttlora(["kernel", "install", "--prefix", root.Path, "--name", "a b"]);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: --name: \"a b\" is not a kernel name (letters, digits, '.', '_' and '-' only)", run.Error.Trim());
    }

    [Fact]
    public void ServingNeedsAConnectionFile()
    {
        var run = ChildProcess.Ttlora(["kernel"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--connection-file FILE is required", run.Error);
    }

    [Fact]
    public void AMissingConnectionFileIsNamed()
    {
        using var root = new TempFolder();
        var run = ChildProcess.Ttlora(["kernel", "--connection-file", root["absent.json"]]);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"error: {root["absent.json"]}: connection file not found", run.Error.Trim());
    }

    [Fact]
    public void ABadConnectionFileFieldIsNamed()
    {
        using var root = new TempFolder();
        File.WriteAllText(root["c.json"], """{"ip": "127.0.0.1", "shell_port": "x", "key": "k"}""");
        var run = ChildProcess.Ttlora(["kernel", "--connection-file", root["c.json"]]);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"error: {root["c.json"]}: \"shell_port\" must be a port number between 1 and 65535", run.Error.Trim());
    }

    [Fact]
    public void TheHelpVerbWorksInTheTerminalToo()
    {
        var run = ChildProcess.Ttlora(["help", "model", "info"]);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("ttlora model info [options]", run.Output);
        var unknown = ChildProcess.Ttlora(["help", "frobnicate"]);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal("error: help: \"frobnicate\" is not a verb (`help` lists them)", unknown.Error.Trim());
    }
}

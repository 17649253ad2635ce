using System.IO.Compression;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TtLora.Packaging.Tests;

/// <summary>The packed feed, and the <c>ttlora</c> tool installed from it: command, version, and its Jupyter kernel.</summary>
[Collection(PackagingCollection.Name)]
public class ToolPackageTests(PackagedRelease release)
{
    static string Llama32Config => TestPaths.Fixture("models", "llama-3.2-1b/config.json");

    ChildProcess.Result Tool(params string[] arguments)
    {
        var run = ChildProcess.Run(release.Tool, arguments, TimeSpan.FromMinutes(2), release.CleanEnvironment("tool-run"));
        Assert.True(run.ExitCode == 0, $"ttlora {string.Join(' ', arguments)} exited with {run.ExitCode}: {run.Error}");
        return run;
    }

    [Fact]
    public void EveryPackageHasTheOneVersion()
    {
        var names = Directory.GetFiles(release.Feed, "*.nupkg").Select(Path.GetFileName).Order().ToArray();
        string v = release.Version;
        Assert.Equal(new[] { $"TtLora.Core.{v}.nupkg", $"TtLora.Extension.{v}.nupkg", $"ttlora.{v}.nupkg", $"ttlora.linux-x64.{v}.nupkg" }.Order(), names);
    }

    [Fact]
    public void CoreCarriesDocsReadmeAndTheNativeFixForItsConsumers()
    {
        using var core = ZipFile.OpenRead(Path.Combine(release.Feed, $"TtLora.Core.{release.Version}.nupkg"));
        var entries = core.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains("lib/net10.0/TtLora.Core.dll", entries);
        Assert.Contains("lib/net10.0/TtLora.Core.xml", entries);
        Assert.Contains("README.md", entries);
        Assert.Contains("buildTransitive/TtLora.Core.targets", entries);
        Assert.Contains("buildTransitive/WeakenGlibcxxRequirement.cs", entries);
        string nuspec = new StreamReader(core.GetEntry("TtLora.Core.nuspec")!.Open()).ReadToEnd();
        Assert.Contains("<license type=\"expression\">MIT</license>", nuspec);
        Assert.Contains("<dependency id=\"TorchSharp-cpu\" version=\"0.107.0\"", nuspec);

        using var extension = ZipFile.OpenRead(Path.Combine(release.Feed, $"TtLora.Extension.{release.Version}.nupkg"));
        Assert.Contains("lib/net10.0/TtLora.Extension.xml", extension.Entries.Select(e => e.FullName));
        string extensionNuspec = new StreamReader(extension.GetEntry("TtLora.Extension.nuspec")!.Open()).ReadToEnd();
        Assert.Contains($"<dependency id=\"TtLora.Core\" version=\"{release.Version}\"", extensionNuspec);
    }

    [Fact]
    public void TheToolPrintsTheRepositorysVersion()
    {
        // The version, then the commit it was built from when the sources are a git clone.
        Assert.Matches(new Regex($"^{Regex.Escape(release.Version)}(\\+[0-9a-f]{{7,40}})?$"), Tool("--version").Output.Trim());
    }

    [Fact]
    public void TheToolPlansLlama32WithThePapersNumbers()
    {
        var tt = JsonNode.Parse(Tool("plan", "--config", Llama32Config, "--adapter", "tt-lora", "--targets", "q_proj,v_proj", "--rank", "5", "--json").Output)!;
        Assert.Equal(33_920, tt["trainable_parameters"]!.GetValue<long>());
        var lora = JsonNode.Parse(Tool("plan", "--config", Llama32Config, "--adapter", "lora", "--targets", "q_proj,v_proj", "--rank", "16", "--json").Output)!;
        Assert.Equal(1_703_936, lora["trainable_parameters"]!.GetValue<long>());
    }

    [Fact]
    public void TheToolsTorchSharpLoadsOnThisMachine()
    {
        // Writing a random checkpoint runs libtorch: on Debian 12 it loads only because packing marked the tool's copy.
        string model = Path.Combine(release.Sub("tool-model"), "tiny");
        Tool("model", "create", "--out", model, "--preset", "tiny", "--seed", "3");
        Assert.True(File.Exists(Path.Combine(model, "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(model, "config.json")));
    }

    [Fact]
    public void TheInstalledKernelStartsTheToolAndRunsAMagicCell()
    {
        string prefix = release.Sub("jupyter-prefix");
        var install = Tool("kernel", "install", "--prefix", prefix, "--name", "ttlora-packaged");
        string kernels = Path.Combine(prefix, "share", "jupyter", "kernels");
        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(kernels, "ttlora-packaged", "kernel.json")))!;
        var argv = spec["argv"]!.AsArray().Select(a => (string)a!).ToArray();
        // The tool's own command, not a path into the versioned .store folder or into a clone.
        Assert.Equal(new[] { release.Tool, "kernel", "--connection-file", "{connection_file}" }, argv);
        Assert.True(Directory.Exists(Path.Combine((string)spec["env"]!["DOTNET_ROOT"]!, "shared", "Microsoft.NETCore.App")));
        Assert.Equal(release.Version, (string)spec["metadata"]!["version"]!);

        var environment = new Dictionary<string, string?>(release.CleanEnvironment("kernel-run"))
        {
            ["JUPYTER_PATH"] = Path.Combine(prefix, "share", "jupyter"),
            ["JUPYTER_DATA_DIR"] = release.Sub("jupyter-data"),
            ["JUPYTER_RUNTIME_DIR"] = release.Sub("jupyter-runtime"),
            ["JUPYTER_CONFIG_DIR"] = release.Sub("jupyter-config"),
            ["JUPYTER_PLATFORM_DIRS"] = "1",
        };
        string cell = $"#!tt-lora plan --config {Llama32Config} --adapter tt-lora --targets q_proj,v_proj --rank 5";
        var run = ChildProcess.Run(JupyterPython.Interpreter, [TestPaths.Fixture("kernel", "run_cell.py"), "ttlora-packaged", cell],
            TimeSpan.FromMinutes(4), environment);
        Assert.True(run.ExitCode == 0, $"run_cell.py failed: {run.Error}");
        var result = JsonNode.Parse(run.Output)!;
        Assert.Equal("ok", (string)result["reply"]!["status"]!);
        var shown = result["outputs"]!.AsArray()
            .Where(o => (string)o!["type"]! is "display_data" or "execute_result")
            .Select(o => o!["content"]!["data"]!).ToArray();
        Assert.Contains(shown, data => ((string?)data["text/plain"])?.Contains("33,920") == true && data["text/html"] is not null);
        Assert.Contains("Installed kernelspec ttlora-packaged", install.Output);
    }
}

using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace TtLora.Notebooks.Tests;

/// <summary>
/// Runs every committed notebook once for all tests, as CI's reader would: the kernel installed with <c>ttlora kernel
/// install --prefix</c> into a private Jupyter environment, each notebook executed top to bottom by nbclient in its
/// quick configuration (<c>TTLORA_NOTEBOOK_QUICK=1</c>), converted to HTML by nbconvert and opened in headless
/// Chromium. The notebooks run from a copy of the notebooks folder and share one working folder
/// (<c>TTLORA_NOTEBOOK_WORK</c>), so nothing is written into the repository and later notebooks reuse the base model
/// and experts earlier ones made — as they do for a reader going through them in order.
/// </summary>
public sealed class NotebookRuns : IDisposable
{
    public const string QuickVariable = "TTLORA_NOTEBOOK_QUICK";
    public const string WorkVariable = "TTLORA_NOTEBOOK_WORK";

    /// <summary>The notebook whose rendering is kept as a screenshot in the artifacts folder.</summary>
    public const string ScreenshotNotebook = "04-routing-evaluation.ipynb";

    /// <summary>The most one notebook may take in its quick configuration on a 2-core CPU.</summary>
    public static readonly TimeSpan BudgetPerNotebook = TimeSpan.FromMinutes(6);

    readonly TempFolder folder = new("ttlora-notebooks-test-");
    readonly Dictionary<string, NotebookRun> runs = [];

    public NotebookRuns(IMessageSink log)
    {
        var install = ChildProcess.Ttlora(["kernel", "install", "--prefix", folder["prefix"]]);
        if (install.ExitCode != 0) throw new InvalidOperationException($"ttlora kernel install failed: {install.Error}");
        CopyNotebooks(TestPaths.Notebooks, folder["notebooks"]);
        Directory.CreateDirectory(folder["out"]);
        var environment = new Dictionary<string, string?>
        {
            ["JUPYTER_PATH"] = Path.Combine(folder["prefix"], "share", "jupyter"),
            ["JUPYTER_DATA_DIR"] = folder["data"],
            ["JUPYTER_RUNTIME_DIR"] = folder["runtime"],
            ["JUPYTER_CONFIG_DIR"] = folder["config"],
            ["JUPYTER_PLATFORM_DIRS"] = "1", // keeps Jupyter's path migration notice off stderr
            [QuickVariable] = "1",
            [WorkVariable] = folder["work"],
        };
        var total = Stopwatch.StartNew();
        foreach (string name in Names)
        {
            var run = Execute(name, environment);
            runs[name] = run;
            log.OnMessage(new DiagnosticMessage($"notebook {name}: {run.Elapsed.TotalSeconds:0.0} s" +
                (run.Problem is null ? $", {run.CellErrors.Count} cell error(s)" : $", failed: {run.Problem.Split('\n')[0]}")));
        }
        log.OnMessage(new DiagnosticMessage($"notebooks: all {Names.Count} executed in {total.Elapsed.TotalSeconds:0.0} s"));
        if (runs.TryGetValue(ScreenshotNotebook, out var shown) && shown.HtmlPath is not null)
        {
            Screenshot = Path.Combine(ArtifactsFolder.Path, Path.ChangeExtension(ScreenshotNotebook, ".png"));
            File.Delete(Screenshot);
            HeadlessChromium.Screenshot(shown.HtmlPath, Screenshot);
            log.OnMessage(new DiagnosticMessage($"notebook screenshot: {Screenshot}"));
        }
    }

    /// <summary>The working folder the notebooks shared (base model, experts, routers of the quick configuration).</summary>
    public string WorkFolder => folder["work"];

    /// <summary>The prefix the kernelspec was installed into (its <c>share/jupyter</c> goes on <c>JUPYTER_PATH</c>).</summary>
    public string KernelPrefix => folder["prefix"];

    /// <summary>The PNG of <see cref="ScreenshotNotebook"/> in the artifacts folder; null when it could not be rendered.</summary>
    public string? Screenshot { get; }

    /// <summary>Every notebook in notebooks/, in reading order (their names start with their number).</summary>
    public static IReadOnlyList<string> Names { get; } = Directory.GetFiles(TestPaths.Notebooks, "*.ipynb")
        .Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal).ToList();

    /// <summary>The names as xunit theory data.</summary>
    public static TheoryData<string> NameData
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var name in Names) data.Add(name);
            return data;
        }
    }

    internal NotebookRun this[string name] => runs[name];

    NotebookRun Execute(string name, IReadOnlyDictionary<string, string?> environment)
    {
        string notebook = Path.Combine(folder["notebooks"], name);
        string executed = Path.Combine(folder["out"], name);
        string html = Path.ChangeExtension(executed, ".html");
        var clock = Stopwatch.StartNew();
        try
        {
            // The process limit leaves room over the budget, so a slow notebook fails its budget test with a measured time.
            var execution = ChildProcess.Run(JupyterPython.Interpreter,
                [TestPaths.Fixture("notebooks", "execute_notebook.py"), notebook, executed, folder["notebooks"], ((int)BudgetPerNotebook.TotalSeconds).ToString()],
                BudgetPerNotebook + TimeSpan.FromMinutes(3), environment, folder["notebooks"]);
            var elapsed = clock.Elapsed;
            if (execution.ExitCode != 0)
                return new(name, elapsed, null, null, null, $"execute_notebook.py exited with {execution.ExitCode}:\n{execution.Error}");
            var summary = JsonNode.Parse(execution.Output.Trim().Split('\n')[^1]);
            var export = ChildProcess.Run(JupyterPython.Interpreter, [TestPaths.Fixture("notebooks", "export_html.py"), executed, html],
                TimeSpan.FromMinutes(2), environment, folder.Path);
            if (export.ExitCode != 0)
                return new(name, elapsed, summary, null, null, $"export_html.py exited with {export.ExitCode}:\n{export.Error}");
            return new(name, elapsed, summary, html, new RenderedPage(HeadlessChromium.DumpDom(html)), null);
        }
        catch (XunitException e)
        {
            return new(name, clock.Elapsed, null, null, null, e.Message);
        }
    }

    // The notebooks with their configs; a reader's working folder (work/) and editor checkpoints stay behind.
    static void CopyNotebooks(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from))
        {
            string name = Path.GetFileName(dir);
            if (name is "work" or ".ipynb_checkpoints") continue;
            CopyNotebooks(dir, Path.Combine(to, name));
        }
    }

    public void Dispose() => folder.Dispose();
}

/// <summary>The notebook runs are shared by every test class that reads them, and made once.</summary>
[CollectionDefinition(Name)]
public sealed class NotebookCollection : ICollectionFixture<NotebookRuns>
{
    public const string Name = "notebooks";
}

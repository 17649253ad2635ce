using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace TtLora.Notebooks.Tests;

/// <summary>
/// A real front end in a real browser: Debian's classic Jupyter Notebook served on 127.0.0.1 with a token, headless
/// Chromium driven through the DevTools protocol. Notebook 03 is opened, every cell is run with the Cell › Run All menu
/// in the quick configuration, and the page must show the route views (probability bars, the text × expert heatmap
/// drawn as SVG with its traces), no cell error, no object dump and no CLR type name. A screenshot is kept in the
/// artifacts folder. The notebook reuses the working folder the nbclient runs filled, as a reader's second visit would.
/// </summary>
[Collection(NotebookCollection.Name)]
public partial class ClassicNotebookTests(NotebookRuns runs, ITestOutputHelper output)
{
    const string Notebook = "03-stage-two-router.ipynb";

    [GeneratedRegex(@"\b[A-Z]\w* \{ \w+ = ")]
    private static partial Regex ObjectDump();

    [GeneratedRegex(@"\b(System|TtLora|Microsoft)\.[A-Z]\w*")]
    private static partial Regex ClrTypeName();

    [Fact]
    public void Notebook03RunsInTheClassicNotebookAndShowsItsRouteViews()
    {
        string server = FindServer();
        using var folder = new TempFolder("ttlora-classic-");
        string notebooks = folder.Sub("notebooks");
        File.Copy(Path.Combine(TestPaths.Notebooks, Notebook), Path.Combine(notebooks, Notebook));
        string token = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        int port = FreePort();
        var start = new ProcessStartInfo(server) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = notebooks };
        foreach (var argument in new[]
        {
            "--no-browser", "--ip=127.0.0.1", $"--port={port}", "--port-retries=0", $"--NotebookApp.token={token}",
            $"--notebook-dir={notebooks}", "--allow-root", "--NotebookApp.open_browser=False",
        })
            start.ArgumentList.Add(argument);
        start.Environment["JUPYTER_PATH"] = Path.Combine(runs.KernelPrefix, "share", "jupyter");
        start.Environment["JUPYTER_CONFIG_DIR"] = folder.Sub("config");
        start.Environment["JUPYTER_DATA_DIR"] = folder.Sub("data");
        start.Environment["JUPYTER_RUNTIME_DIR"] = folder.Sub("runtime");
        start.Environment["JUPYTER_PLATFORM_DIRS"] = "1";
        start.Environment[NotebookRuns.QuickVariable] = "1";
        start.Environment[NotebookRuns.WorkVariable] = runs.WorkFolder;
        using var jupyter = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {server}");
        var log = new System.Text.StringBuilder();
        jupyter.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        jupyter.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        jupyter.BeginOutputReadLine();
        jupyter.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        try
        {
            WaitForServer(port, token, jupyter, log);
            using var page = new ChromiumDevTools(HeadlessChromium.Executable, 1400, 9000);
            page.Navigate($"http://127.0.0.1:{port}/notebooks/{Notebook}?token={token}");
            page.WaitUntil("window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected() && document.querySelector('#kernel_indicator_icon.kernel_idle_icon')",
                TimeSpan.FromMinutes(2), "the notebook to open with an idle ttlora kernel");
            Assert.Equal("ttlora", (string?)page.Evaluate("Jupyter.notebook.kernel.name"));

            // Cell › Run All, as a person does it: open the menu, click the item.
            page.Click("#celllink");
            page.WaitUntil("document.querySelector('#run_all_cells') && document.querySelector('#run_all_cells').offsetParent !== null", TimeSpan.FromSeconds(20), "the Cell menu");
            page.Click("#run_all_cells > a");
            page.WaitUntil("Jupyter.notebook.get_cells().some(c => c.cell_type === 'code' && c.input_prompt_number === '*')", TimeSpan.FromSeconds(30), "the cells to start");
            page.WaitUntil("Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code').every(c => typeof c.input_prompt_number === 'number') && document.querySelector('#kernel_indicator_icon.kernel_idle_icon')",
                TimeSpan.FromMinutes(10), "every cell to finish");
            page.WaitUntil("[...document.querySelectorAll('.output_area .ttl-plot')].every(p => p.querySelector('svg.main-svg') || p.textContent.includes('not loaded'))",
                TimeSpan.FromSeconds(30), "every chart to draw");
            output.WriteLine($"classic notebook: {Notebook} ran in {clock.Elapsed.TotalSeconds:0} s (kernel start included)");

            var seen = page.Evaluate("""
                (() => ({
                  errors: [...document.querySelectorAll('.output_area .output_error')].map(e => e.innerText),
                  text: [...document.querySelectorAll('.output_area')].map(e => e.innerText).join('\n'),
                  cards: [...document.querySelectorAll('.output_area .ttl-card-title')].map(e => e.textContent),
                  chosen: document.querySelectorAll('.output_area .hl-chosen').length,
                  plots: [...document.querySelectorAll('.output_area .ttl-plot')].map(p => ({
                    title: (p.querySelector('.gtitle') || {}).textContent || '',
                    svg: !!p.querySelector('svg.main-svg'),
                    heatmapTraces: p.querySelectorAll('g.heatmaplayer g.hm').length,
                    barTraces: p.querySelectorAll('g.barlayer g.trace').length,
                    lineTraces: p.querySelectorAll('g.scatterlayer g.trace').length,
                  })),
                }))()
                """)!;
            var plots = seen["plots"]!.AsArray().Select(p => p!).ToList();
            output.WriteLine(string.Join("\n", plots.Select(p => p.ToJsonString())));
            Assert.Empty(seen["errors"]!.AsArray());
            string text = (string)seen["text"]!;
            Assert.DoesNotContain("plotly.js is not loaded", text);
            Assert.False(ObjectDump().IsMatch(text), $"an object dump on the page: {ObjectDump().Match(text).Value}");
            Assert.False(ClrTypeName().IsMatch(text), $"a CLR type name on the page: {ClrTypeName().Match(text).Value}");

            // The route views: a text x expert heatmap drawn as SVG with its trace, and one text's probability bars.
            Assert.Contains(plots, p => ((string)p["title"]!).StartsWith("Router probabilities per text") && (bool)p["svg"]! && (int)p["heatmapTraces"]! > 0);
            Assert.Contains(plots, p => ((string)p["title"]!).StartsWith("Router probabilities (highlighted") && (bool)p["svg"]! && (int)p["barTraces"]! > 0);
            Assert.Contains(plots, p => ((string)p["title"]!).Contains("training curve") && (int)p["lineTraces"]! == 4);
            Assert.All(plots, p => Assert.True((bool)p["svg"]!, $"chart '{p["title"]}' was not drawn"));
            Assert.Contains(seen["cards"]!.AsArray(), c => ((string)c!).StartsWith("router router-noisy-top1"));
            Assert.True((int)seen["chosen"]! > 0, "no chosen expert is marked");

            string png = Path.Combine(ArtifactsFolder.Path, "classic-notebook-03.png");
            page.Evaluate("document.querySelector('#site').scrollTop = 0");
            page.Screenshot(png);
            output.WriteLine($"screenshot: {png}");
            Assert.True(new FileInfo(png).Length > 50_000, "the screenshot looks empty");
        }
        finally
        {
            if (!jupyter.HasExited) jupyter.Kill(entireProcessTree: true);
            jupyter.WaitForExit();
        }
    }

    // Debian's jupyter-notebook package (classic Notebook 6); scripts/install-test-deps.sh installs it.
    static string FindServer()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin"))
        {
            string candidate = Path.Combine(dir, "jupyter-notebook");
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException("The classic-notebook test serves notebooks with Jupyter Notebook 6: install it with " +
            "'apt-get install -y jupyter-notebook' (scripts/install-test-deps.sh does it).");
    }

    static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    static void WaitForServer(int port, string token, Process jupyter, System.Text.StringBuilder log)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (jupyter.HasExited) throw new InvalidOperationException($"jupyter-notebook exited with {jupyter.ExitCode}:\n{log}");
            try
            {
                if (http.GetAsync($"http://127.0.0.1:{port}/api/status?token={token}").GetAwaiter().GetResult().IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // slow to answer while it starts
            }
            Thread.Sleep(500);
        }
        throw new TimeoutException($"jupyter-notebook did not answer on 127.0.0.1:{port} within 90 s:\n{log}");
    }
}

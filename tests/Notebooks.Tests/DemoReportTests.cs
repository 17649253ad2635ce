using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace TtLora.Notebooks.Tests;

/// <summary>
/// README's main job in its quick configuration, run as a user runs it, then its report opened in headless
/// Chromium with no network: the charts must be drawn from the inline plotly.js, the tables present.
/// </summary>
public class DemoReportTests(ITestOutputHelper output)
{
    [Fact]
    public void QuickDemoWritesAReportThatRendersOffline()
    {
        using var folder = new TempFolder("demo-report");
        string dir = Path.Combine(folder.Path, "demo");
        var run = ChildProcess.Run("dotnet", [TestPaths.TtloraDll, "demo", "--quick", "--tasks", "spam,sotu-party,reuters-grain", "--out", dir, "--json"],
            TimeSpan.FromMinutes(20));
        output.WriteLine($"quick demo: exit {run.ExitCode} in {run.Elapsed.TotalSeconds:F0} s");
        Assert.True(run.ExitCode == 0, run.Error);

        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "results.json")))!;
        var perTask = results["evaluation"]!["per_task"]!.AsArray();
        Assert.Equal(3, perTask.Count);
        Assert.Equal(3, results["experts"]!.AsArray().Count);

        // Rerunning reuses every finished step and is much faster.
        var again = ChildProcess.Run("dotnet", [TestPaths.TtloraDll, "demo", "--quick", "--tasks", "spam,sotu-party,reuters-grain", "--out", dir],
            TimeSpan.FromMinutes(20));
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Contains("reusing the base model", again.Error);
        Assert.Contains("reusing expert spam-tt-lora", again.Error);
        Assert.Contains("reusing router", again.Error);

        string report = Path.Combine(dir, "report.html");
        var page = new RenderedPage(HeadlessChromium.DumpDom(report));
        output.WriteLine($"report: {page.Charts.Count} chart(s), {page.Tables} table(s)");
        Assert.True(page.Charts.Count >= 2, "the report should carry the confusion heatmap and the accuracy chart");
        Assert.All(page.Charts, chart => Assert.True(chart.Rendered, $"chart {chart.Id} was not drawn"));
        Assert.True(page.Tables >= 3, $"the report shows {page.Tables} tables");
        string png = Path.Combine(ArtifactsFolder.Path, "demo-report.png");
        HeadlessChromium.Screenshot(report, png);
        output.WriteLine($"screenshot: {png}");
        Assert.True(new FileInfo(png).Length > 20_000);
    }
}

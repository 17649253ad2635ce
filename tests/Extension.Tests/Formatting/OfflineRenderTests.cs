using System.Text.RegularExpressions;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Tests.Formatting;

/// <summary>Charts drawn by a real browser with no network: the outputs alone must be enough.</summary>
public class OfflineRenderTests
{
    [Fact]
    public void ChartsRenderOfflineAndTheLibraryLoadsOncePerPage()
    {
        using var tmp = new TempFolder("ttlora-cli-");
        var first = new HtmlOutput()
            .AddChart(Charts.Bars(["e0", "e1", "e2"], [0.2, 0.7, 0.1], "Router scores", highlight: 1))
            .AddChart(Charts.Heatmap(new double[,] { { 1, 0 }, { 0.2, 0.8 } }, ["sst2", "qnli"], ["sst2", "qnli"], "Routing confusion", marked: [(0, 0), (1, 1)]))
            .ToString();
        string second = Charts.Lines([new LineSeries("loss", [1, 2, 3], [2, 1.2, 0.9]), new LineSeries("accuracy", [1, 2, 3], [0.4, 0.6, 0.7], SecondaryAxis: true)], "Training").ToHtml();
        // Two outputs in one page, as a notebook shows them, under a RequireJS-style AMD loader (classic notebook):
        // the library must still define window.Plotly, never call define, and the second output must not reload it.
        string page = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>pending</title></head><body>"
            + "<script>window.amdCalls=0;window.define=function(){window.amdCalls++;};window.define.amd={};</script>"
            + first
            + "<script>window.firstPlotly=window.Plotly;</script>"
            + second
            + "<script>document.title=[typeof window.Plotly,window.Plotly===window.firstPlotly?'same':'reloaded','amd:'+window.amdCalls].join(' ');</script>"
            + "</body></html>";
        string file = tmp["page.html"];
        File.WriteAllText(file, page);

        string dom = HeadlessChromium.DumpDom(file);

        Assert.Equal("object same amd:0", Regex.Match(dom, "<title>(.*?)</title>").Groups[1].Value);
        // What the scripts drew, without the scripts themselves (the library's source mentions every class name).
        dom = Regex.Replace(dom, "<script\\b[^>]*>.*?</script>", "", RegexOptions.Singleline);
        var plots = Regex.Matches(dom, "<div id=\"(ttl-plot-[0-9a-f]+)\"").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(3, plots.Length);
        // Each chart div received its own drawing surface.
        string[] bodies = plots.Select((id, i) => Slice(dom, id, i + 1 < plots.Length ? plots[i + 1] : null)).ToArray();
        Assert.All(bodies, b => Assert.Contains("class=\"main-svg\"", b));
        Assert.Equal(3, Regex.Matches(bodies[0], "<g class=\"point\"").Count); // three bars
        Assert.Contains("class=\"hm\"", bodies[1]); // heatmap layer
        Assert.Contains("Routing confusion", bodies[1]);
        Assert.Equal(2, Regex.Matches(bodies[2], "<g class=\"trace scatter").Count); // loss and accuracy lines
        Assert.Contains("class=\"subplot xy2\"", bodies[2]); // accuracy on the right-hand axis
    }

    static string Slice(string dom, string id, string? nextId)
    {
        int start = dom.IndexOf(id, StringComparison.Ordinal);
        int end = nextId is null ? dom.Length : dom.IndexOf(nextId, start, StringComparison.Ordinal);
        return dom[start..end];
    }

    [Fact]
    public void AChartAboveTheOutputThatCarriesTheLibraryStillDraws()
    {
        // A saved notebook can show an output updated in place (a run's final chart, without the library) above the
        // output that carried plotly.js: the chart waits for the library instead of giving up.
        using var tmp = new TempFolder("ttlora-cli-");
        string withLibrary = Charts.Bars(["a", "b"], [1, 2], "carries the library").ToHtml();
        string above = Charts.Bars(["a", "b"], [2, 1], "drawn before the library").ToHtml().Replace(PlotlyJs.LoaderScript, "");
        string file = tmp["page.html"];
        File.WriteAllText(file, $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>{above}{withLibrary}</body></html>");

        string dom = Regex.Replace(HeadlessChromium.DumpDom(file), "<script\\b[^>]*>.*?</script>", "", RegexOptions.Singleline);

        Assert.Contains("drawn before the library", dom);
        Assert.DoesNotContain("plotly.js is not loaded", dom);
        var plots = Regex.Matches(dom, "<div id=\"(ttl-plot-[0-9a-f]+)\"").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(2, plots.Length);
        Assert.All(plots.Select((id, i) => Slice(dom, id, i + 1 < plots.Length ? plots[i + 1] : null)), b => Assert.Contains("class=\"main-svg\"", b));
    }
}

using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.FSharp.Core;
using Plotly.NET;
using TtLora.Extension.Display;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Tests.Formatting;

public class PlotlyHtmlTests
{
    const string LibraryMarker = "plotly.js v2.28.0";

    [Fact]
    public void LibraryComesFromPlotlyNetResources()
    {
        Assert.Equal("2.28.0", PlotlyJs.Version);
        Assert.StartsWith("/**\n* plotly.js v2.28.0", PlotlyJs.Source);
        Assert.True(PlotlyJs.Source.Length > 3_000_000, $"plotly.js is {PlotlyJs.Source.Length} characters; the full minified bundle is about 3.6 MB");
        Assert.Equal(1, HtmlDoc.Count(PlotlyJs.Source, LibraryMarker));
    }

    [Fact]
    public void HtmlCarriesTheLibraryOnceWithAGuardAndDrawsEveryChart()
    {
        var bars = Charts.Bars(["a", "b"], [1, 2], "first");
        var lines = Charts.Lines([new LineSeries("loss", [1, 2], [3, 4])], "second");
        string html = new HtmlOutput().AddChart(bars).AddChart(lines).ToString();

        Assert.Equal(1, HtmlDoc.Count(html, LibraryMarker));
        Assert.Contains("if(typeof window.Plotly!=='undefined')return;", html);
        Assert.Equal(2, HtmlDoc.Count(html, "window.Plotly.newPlot("));
        // One script for the library and one per chart, each closed exactly once.
        Assert.Equal(3, HtmlDoc.Count(html, "<script"));
        Assert.Equal(3, HtmlDoc.Count(html, "</script>"));
        var root = HtmlDoc.Parse(html);
        var plots = root.All("div").Where(d => d.HasClass("ttl-plot")).ToArray();
        Assert.Equal(2, plots.Length);
        Assert.NotEqual(plots[0].Attribute("id")!.Value, plots[1].Attribute("id")!.Value);
        Assert.All(plots, p => Assert.Contains($"window.Plotly.newPlot(el", html[html.IndexOf(p.Attribute("id")!.Value + "');", StringComparison.Ordinal)..]));

        Assert.Equal(1, HtmlDoc.Count(bars.ToHtml(), LibraryMarker));
    }

    [Fact]
    public void TitlesCannotBreakOutOfTheScript()
    {
        var figure = Charts.Bars(["</script><b>x"], [1], "</script><img src=x onerror=alert(1)>");
        string html = figure.ToHtml();
        Assert.Equal(2, HtmlDoc.Count(html, "</script>"));
        Assert.DoesNotContain("<img", html);
        Assert.Contains("\\u003C/script\\u003E\\u003Cimg", html);
        // The JSON itself keeps the real title.
        Assert.Equal("</script><img src=x onerror=alert(1)>", figure.Title);
    }

    [Fact]
    public void MimeBundleOfAFigureHasPlotlyJsonHtmlAndText()
    {
        var figure = Charts.Heatmap(new double[,] { { 1, 2 } }, ["x0", "x1"], ["y0"], "tiny");
        var bundle = MimeBundles.For(figure);
        Assert.Equal([MimeBundles.PlotlyJson, MimeBundles.Html, MimeBundles.PlainText], bundle.Keys.Order(StringComparer.Ordinal));
        var json = Assert.IsType<JsonObject>(bundle[MimeBundles.PlotlyJson]);
        Assert.Equal([1.0, 2.0], json["data"]![0]!["z"]![0]!.AsArray().Select(n => n!.GetValue<double>()));
        Assert.Equal("tiny", json["layout"]!["title"]!["text"]!.GetValue<string>());
        Assert.Equal("chart: tiny (1 trace)\n  heatmap: 1x2 values", bundle[MimeBundles.PlainText]);
        Assert.Equal(1, HtmlDoc.Count((string)bundle[MimeBundles.Html], LibraryMarker));
    }

    static GenericChart PlotlyNetLine(string title, double[] x, double[] y)
    {
        var trace = Trace2D.initScatter(FuncConvert.FromFunc<Trace2D, Trace2D>(t => t));
        trace.SetProperty("x", x);
        trace.SetProperty("y", y);
        trace.SetProperty("mode", "lines");
        trace.SetProperty("name", "from Plotly.NET");
        return Chart.withTitle(title, null).Invoke(GenericChart.ofTraceObject(true, trace));
    }

    [Fact]
    public void PlotlyNetChartsDisplayThroughTheSameFigure()
    {
        var chart = PlotlyNetLine("built with Plotly.NET", [1, 2, 3], [0.5, 0.25, 0.125]);
        var bundle = MimeBundles.For(chart);
        var json = Assert.IsType<JsonObject>(bundle[MimeBundles.PlotlyJson]);
        var trace = json["data"]!.AsArray().Single()!;
        Assert.Equal("scatter", trace["type"]!.GetValue<string>());
        Assert.Equal([0.5, 0.25, 0.125], trace["y"]!.AsArray().Select(n => n!.GetValue<double>()));
        Assert.Equal("built with Plotly.NET", json["layout"]!["title"]!["text"]!.GetValue<string>());
        Assert.Equal("chart: built with Plotly.NET (1 trace)\n  scatter \"from Plotly.NET\": 3 values", bundle[MimeBundles.PlainText]);
        Assert.Equal(1, HtmlDoc.Count((string)bundle[MimeBundles.Html], LibraryMarker));
    }

    [Fact]
    public void PlotlyNetRunsOnTheCentrallyPinnedFableCore()
    {
        // DynamicObj (under Plotly.NET) was built against Fable.Core 4.3; the solution pins 5.3. Building and
        // serialising a chart loads it, and reading every DynamicObj attribute resolves all Fable.Core types it uses.
        Assert.NotEmpty(GenericChart.toFigureJson(PlotlyNetLine("t", [1], [2])));
        var dynamicObj = typeof(DynamicObj.DynamicObj).Assembly;
        int attributes = dynamicObj.GetTypes()
            .SelectMany(t => t.GetMembers(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Sum(m => m.GetCustomAttributes(true).Length);
        Assert.True(attributes > 0);
        var requested = dynamicObj.GetReferencedAssemblies().Single(a => a.Name == "Fable.Core").Version!;
        var loaded = AppDomain.CurrentDomain.GetAssemblies().Single(a => a.GetName().Name == "Fable.Core").GetName().Version!;
        Assert.Equal(new Version(4, 3, 0, 0), requested);
        Assert.Equal(5, loaded.Major);
    }
}

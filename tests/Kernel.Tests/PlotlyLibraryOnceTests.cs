using System.Text.Json.Nodes;
using TtLora.Extension.Display;
using TtLora.Extension.Formatting;
using TtLora.Kernel.Jupyter.Cells;

namespace TtLora.Kernel.Tests;

/// <summary>plotly.js travels with the first chart of a kernel session only; the plotly part and everything else stay.</summary>
public class PlotlyLibraryOnceTests
{
    static JsonObject Chart(string title) => MimeBundleJson.From(MimeBundles.For(Charts.Bars(["a", "b"], [1, 2], title)));

    [Fact]
    public void TheFirstChartKeepsTheLibraryAndLaterOnesDrawWithTheLoadedCopy()
    {
        var once = new PlotlyLibraryOnce();
        var table = MimeBundleJson.From(MimeBundles.For(HtmlOutput.Of(new HtmlTable(null, "x").AddRow("1").ToHtml())));
        once.Apply(table);
        Assert.False(once.Sent); // a view without charts carries no library and changes nothing

        var (first, second) = (Chart("first"), Chart("second"));
        string secondBefore = (string)second[MimeBundles.Html]!;
        once.Apply(first);
        once.Apply(second);
        Assert.True(once.Sent);
        Assert.Contains(PlotlyJs.LoaderScript, (string)first[MimeBundles.Html]!);
        string secondAfter = (string)second[MimeBundles.Html]!;
        Assert.DoesNotContain(PlotlyJs.LoaderScript, secondAfter);
        Assert.Equal(secondBefore.Replace(PlotlyJs.LoaderScript, ""), secondAfter);
        Assert.Contains("Plotly.newPlot", secondAfter);
        Assert.Equal("second", (string)second[MimeBundles.PlotlyJson]!["layout"]!["title"]!["text"]!);
    }
}

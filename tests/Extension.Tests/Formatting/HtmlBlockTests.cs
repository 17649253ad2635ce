using TtLora.Core;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Tests.Formatting;

public class HtmlBlockTests
{
    [Fact]
    public void EncodeEscapesMarkupAndQuotes()
    {
        Assert.Equal("&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;", Html.Encode("<script>alert(\"x\" & 'y')</script>"));
        Assert.Equal("plain text", Html.Encode("plain text"));
        Assert.Equal("", Html.Encode(null));
    }

    [Fact]
    public void NumbersAreCultureIndependent()
    {
        var saved = Thread.CurrentThread.CurrentCulture;
        try
        {
            Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            Assert.Equal("1,234,567", Html.Number(1234567L));
            Assert.Equal("0.1235", Html.Number(0.123456));
            Assert.Equal("1.5e-5", Html.Number(0.000015));
            Assert.Equal("NaN", Html.Number(double.NaN));
        }
        finally { Thread.CurrentThread.CurrentCulture = saved; }
    }

    [Fact]
    public void TableHasHeadersEscapedCellsAndHighlights()
    {
        var table = new HtmlTable("experts <best>", "task", "expert", "accuracy")
            .AddRow("sst2", "<b>e1</b>", 0.91)
            .AddRow("qnli", "e2", 0.95)
            .AddRow("rte", "e3", 0.95)
            .HighlightBestInColumn(2)
            .HighlightCell(0, 1, Highlight.Chosen);
        string html = table.ToHtml();
        var root = HtmlDoc.Parse(html);

        Assert.Equal("experts <best>", root.All("caption").Single().Value);
        Assert.Equal(["task", "expert", "accuracy"], root.All("th").Select(th => th.Value));
        var cells = root.All("tr").Skip(1).Select(tr => tr.All("td").ToArray()).ToArray();
        Assert.Equal("<b>e1</b>", cells[0][1].Value); // shown as text, not markup
        Assert.Contains("&lt;b&gt;e1&lt;/b&gt;", html);
        Assert.True(cells[0][1].HasClass("hl-chosen"));
        // Ties for the best value are all marked; the lower value is not.
        Assert.False(cells[0][2].HasClass("hl-best"));
        Assert.True(cells[1][2].HasClass("hl-best") && cells[2][2].HasClass("hl-best"));
        Assert.True(cells[1][2].HasClass("num"));
        Assert.Equal("0.95", cells[1][2].Value);
    }

    [Fact]
    public void BestInRowCanPreferLowerValues()
    {
        var table = new HtmlTable(null, "task", "e1", "e2", "e3").AddRow("loss", 0.7, 0.2, 0.4).HighlightBestInRow(0, higherIsBetter: false);
        var tds = HtmlDoc.Parse(table.ToHtml()).All("td").ToArray();
        Assert.Equal([false, false, true, false], tds.Select(td => td.HasClass("hl-best")));
    }

    [Fact]
    public void BestInRowCanSkipLeadingColumns()
    {
        var table = new HtmlTable(null, "task", "routing", "oracle", "routed").AddRow("spam", 0.99, 0.86, 0.85).HighlightBestInRow(0, fromColumn: 2);
        var tds = HtmlDoc.Parse(table.ToHtml()).All("td").ToArray();
        Assert.Equal([false, false, true, false], tds.Select(td => td.HasClass("hl-best")));
    }

    [Fact]
    public void TableRejectsRowsOfTheWrongWidthAndCellsOutside()
    {
        var table = new HtmlTable("runs", "a", "b");
        var e = Assert.Throws<TtLoraException>(() => table.AddRow("only one"));
        Assert.Equal("HtmlTable 'runs': row 0 has 1 cells for 2 columns (a, b).", e.Message);
        table.AddRow("x", "y");
        e = Assert.Throws<TtLoraException>(() => table.HighlightCell(1, 0, Highlight.Best));
        Assert.Equal("HtmlTable 'runs': cell (1, 0) is outside the table of 1 rows and 2 columns.", e.Message);
        e = Assert.Throws<TtLoraException>(() => table.HighlightBestInColumn(2));
        Assert.Equal("HtmlTable 'runs': column 2 is outside the table's 2 columns.", e.Message);
    }

    [Fact]
    public void ChipsMakeWhitespaceVisibleAndEscapeLabels()
    {
        string html = ChipList.ToHtml([new Chip(" a\n", "12"), new Chip("<script>", "7", Highlight.Best, Tooltip: "id \"7\"")]);
        var chips = HtmlDoc.Parse(html).All("span").Where(s => s.HasClass("ttl-chip")).ToArray();
        Assert.Equal(2, chips.Length);
        var label = chips[0].All("span").First(s => s.HasClass("ttl-chip-label"));
        Assert.Equal("·a↵", label.Value);
        Assert.Equal(2, label.All("span").Count(s => s.HasClass("ttl-ws")));
        Assert.Equal("12", chips[0].All("span").Single(s => s.HasClass("ttl-chip-caption")).Value);
        Assert.Equal("<script>", chips[1].All("span").First(s => s.HasClass("ttl-chip-label")).Value);
        Assert.True(chips[1].HasClass("hl-best"));
        Assert.Equal("id \"7\"", chips[1].Attribute("title")!.Value);
        Assert.DoesNotContain("<script>", html);
    }

    [Fact]
    public void VisibleTextNamesEveryInvisibleCharacter()
    {
        Assert.Equal("a·b→c↵␍\\u0000⍽", VisibleText.ToText("a b\tc\n\r\0\u00a0"));
    }

    [Fact]
    public void KeyValueCardEscapesKeysAndTextValues()
    {
        string html = new KeyValueCard("model & co").Add("a<b", "x>y").Add("raw", HtmlCell.Raw("<i>kept</i>")).ToHtml();
        var root = HtmlDoc.Parse(html);
        Assert.Equal("model & co", root.All("div").Single(d => d.HasClass("ttl-card-title")).Value);
        Assert.Equal(["a<b", "raw"], root.All("th").Select(t => t.Value));
        Assert.Equal("x>y", root.All("td").First().Value);
        Assert.Single(root.All("i"));
    }

    [Fact]
    public void HtmlHeatmapShadesByValueAndMarksCells()
    {
        var z = new double[,] { { 0, 5 }, { 10, double.NaN } };
        var root = HtmlDoc.Parse(HtmlHeatmap.ToHtml(z, ["p", "q"], ["r0", "r1"], "confusion", marked: [(1, 0)]));
        var tds = root.All("td").ToArray();
        Assert.Equal(["0", "5", "10", "NaN"], tds.Select(t => t.Value));
        // Alpha grows linearly from 0.06 at the minimum to 0.8 at the maximum.
        Assert.Equal(["rgba(31,119,180,0.06)", "rgba(31,119,180,0.43)", "rgba(31,119,180,0.8)", "rgba(31,119,180,0.06)"],
            tds.Select(t => t.Attribute("style")!.Value["background:".Length..]));
        Assert.True(tds[2].HasClass("hl-chosen"));
        Assert.Equal(["r0", "r1"], root.All("tbody").Single().All("th").Select(t => t.Value));

        var e = Assert.Throws<TtLoraException>(() => HtmlHeatmap.ToHtml(z, ["p"], ["r0", "r1"], "confusion"));
        Assert.Equal("HtmlHeatmap 'confusion': 1 column labels for 2 columns; give one label per column.", e.Message);
    }

    [Fact]
    public void HtmlBarsScaleToTheLargestMagnitude()
    {
        var root = HtmlDoc.Parse(HtmlBars.ToHtml(["e1", "e2", "e3"], [0.2, 0.8, 0.4], highlight: 1));
        var widths = root.All("div").Where(d => d.HasClass("ttl-bar")).Select(d => d.Attribute("style")!.Value).ToArray();
        Assert.Equal(["width:25%", "width:100%", "width:50%"], widths);
        Assert.Equal(3, root.All("div").Count(d => d.HasClass("hl-chosen")));
        Assert.Throws<TtLoraException>(() => HtmlBars.ToHtml(["a"], [1, 2]));
    }

    [Fact]
    public void SvgLineChartMapsPointsIntoThePlotArea()
    {
        string svg = SvgLineChart.ToHtml("loss", [0, 10, 20], [2, 1, 0], width: 148, height: 136);
        var root = HtmlDoc.Parse(svg);
        // Plot area: x from 48 to 140, y from 18 to 118; the first point is top-left, the last bottom-right.
        Assert.Equal("48,18 94,68 140,118", root.All("polyline").Single().Attribute("points")!.Value);
        Assert.Equal("loss", root.All("title").Single().Value);
    }

    [Fact]
    public void OutputCarriesItsStylesheetAndNoScriptWithoutCharts()
    {
        string html = new HtmlOutput().AddHeading("a <b>").AddText("c").ToString();
        Assert.StartsWith("<div class=\"ttl\"><style>", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("http", html.Replace("http://www.w3.org/2000/svg", ""));
        Assert.Equal("a <b>", HtmlDoc.Parse(html).All("h4").Single().Value);
    }
}

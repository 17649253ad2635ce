using System.Text.Json.Nodes;
using TtLora.Core;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Tests.Formatting;

public class ChartTests
{
    static double[] Doubles(JsonNode? array) => array!.AsArray().Select(n => n is null ? double.NaN : n.GetValue<double>()).ToArray();
    static string[] Strings(JsonNode? array) => array!.AsArray().Select(n => n!.GetValue<string>()).ToArray();

    [Fact]
    public void HeatmapCarriesMatrixLabelsTitleAndMarks()
    {
        var z = new double[,] { { 0.1, 0.9, 0.0 }, { 0.5, double.NaN, 0.25 } };
        var figure = Charts.Heatmap(z, ["c0", "c1", "c2"], ["r0", "r1"], "Core 1 unfolding", xTitle: "column", showValues: true, marked: [(0, 1)]);
        var json = figure.ToJson();
        var trace = json["data"]!.AsArray().Single()!;
        Assert.Equal("heatmap", trace["type"]!.GetValue<string>());
        Assert.Equal([0.1, 0.9, 0.0], Doubles(trace["z"]![0]));
        Assert.Equal(0.5, trace["z"]![1]![0]!.GetValue<double>());
        Assert.Null(trace["z"]![1]![1]); // NaN becomes a JSON null, which Plotly draws as a gap
        Assert.Equal(["c0", "c1", "c2"], Strings(trace["x"]));
        Assert.Equal(["r0", "r1"], Strings(trace["y"]));
        var layout = json["layout"]!;
        Assert.Equal("Core 1 unfolding", layout["title"]!["text"]!.GetValue<string>());
        Assert.Equal("column", layout["xaxis"]!["title"]!["text"]!.GetValue<string>());
        Assert.Equal("reversed", layout["yaxis"]!["autorange"]!.GetValue<string>());
        var shape = layout["shapes"]!.AsArray().Single()!;
        Assert.Equal([0.5, 1.5, -0.5, 0.5], new[] { "x0", "x1", "y0", "y1" }.Select(k => shape[k]!.GetValue<double>()));
        Assert.Equal("Core 1 unfolding", figure.Title);
        Assert.Equal("chart: Core 1 unfolding (1 trace)\n  heatmap: 2x3 values", figure.ToText());
    }

    [Fact]
    public void HeatmapRejectsMismatchedLabelsDuplicatesAndMarksOutside()
    {
        var z = new double[2, 3];
        var e = Assert.Throws<TtLoraException>(() => Charts.Heatmap(z, ["a", "b"], ["r0", "r1"], "scores"));
        Assert.Equal("Charts.Heatmap 'scores': 2 column labels (x) for 3 columns of z; give one label per column.", e.Message);
        e = Assert.Throws<TtLoraException>(() => Charts.Heatmap(z, ["a", "b", "c"], ["r", "r"], "scores"));
        Assert.Equal("Charts.Heatmap 'scores': row labels (y) contain 'r' twice; category labels must be unique.", e.Message);
        e = Assert.Throws<TtLoraException>(() => Charts.Heatmap(z, ["a", "b", "c"], ["r0", "r1"], "scores", marked: [(2, 0)]));
        Assert.Equal("Charts.Heatmap 'scores': marked cell (2, 0) is outside the 2x3 matrix.", e.Message);
    }

    [Fact]
    public void BarsColourTheHighlightedBar()
    {
        var figure = Charts.Bars(["e0", "e1", "e2"], [0.1, 0.7, 0.2], "Router scores", highlight: 1, yTitle: "probability");
        var trace = figure.ToJson()["data"]![0]!;
        Assert.Equal("bar", trace["type"]!.GetValue<string>());
        Assert.Equal(["e0", "e1", "e2"], Strings(trace["x"]));
        Assert.Equal([0.1, 0.7, 0.2], Doubles(trace["y"]));
        Assert.Equal([Charts.BarColor, Charts.HighlightColor, Charts.BarColor], Strings(trace["marker"]!["color"]));
        Assert.Equal("chart: Router scores (1 trace)\n  bar: 3 values", figure.ToText());

        var horizontal = Charts.Bars(["s1", "s2"], [3, 1], "Singular values", horizontal: true, logScale: true).ToJson();
        Assert.Equal("h", horizontal["data"]![0]!["orientation"]!.GetValue<string>());
        Assert.Equal([3.0, 1.0], Doubles(horizontal["data"]![0]!["x"]));
        Assert.Equal("log", horizontal["layout"]!["xaxis"]!["type"]!.GetValue<string>());

        var e = Assert.Throws<TtLoraException>(() => Charts.Bars(["a", "b"], [1, 2], "s", highlight: 2));
        Assert.Equal("Charts.Bars 's': highlight index 2 is outside 0..1.", e.Message);
        e = Assert.Throws<TtLoraException>(() => Charts.Bars(["a"], [1, 2], "s"));
        Assert.Equal("Charts.Bars 's': 1 labels for 2 values; give one label per value.", e.Message);
    }

    [Fact]
    public void GroupedBarsHaveOneTracePerSeries()
    {
        var figure = Charts.GroupedBars(["sst2", "qnli"], [new BarSeries("LoRA", [0.9, 0.8]), new BarSeries("TT-LoRA", [0.91, 0.82])], "Accuracy per task", yTitle: "accuracy");
        var json = figure.ToJson();
        Assert.Equal("group", json["layout"]!["barmode"]!.GetValue<string>());
        var data = json["data"]!.AsArray();
        Assert.Equal(["LoRA", "TT-LoRA"], data.Select(t => t!["name"]!.GetValue<string>()));
        Assert.Equal([0.91, 0.82], Doubles(data[1]!["y"]));
        Assert.Equal("chart: Accuracy per task (2 traces)\n  bar \"LoRA\": 2 values\n  bar \"TT-LoRA\": 2 values", figure.ToText());
        var e = Assert.Throws<TtLoraException>(() => Charts.GroupedBars(["sst2", "qnli"], [new BarSeries("MoA", [0.5])], "acc"));
        Assert.Equal("Charts.GroupedBars 'acc': series 'MoA' has 1 values for 2 categories; give one value per category.", e.Message);
    }

    [Fact]
    public void LinesPutSecondarySeriesOnARightAxis()
    {
        var figure = Charts.Lines([new LineSeries("loss", [1, 2, 3], [2.5, 1.5, 1.0]), new LineSeries("accuracy", [1, 2, 3], [0.3, 0.6, 0.8], SecondaryAxis: true)],
            "Training", xTitle: "step", yTitle: "loss", y2Title: "accuracy");
        var json = figure.ToJson();
        var data = json["data"]!.AsArray();
        Assert.Equal([2.5, 1.5, 1.0], Doubles(data[0]!["y"]));
        Assert.Null(data[0]!["yaxis"]);
        Assert.Equal("y2", data[1]!["yaxis"]!.GetValue<string>());
        var y2 = json["layout"]!["yaxis2"]!;
        Assert.Equal("y", y2["overlaying"]!.GetValue<string>());
        Assert.Equal("accuracy", y2["title"]!["text"]!.GetValue<string>());
        var e = Assert.Throws<TtLoraException>(() => Charts.Lines([new LineSeries("loss", [1, 2], [1])], "t"));
        Assert.Equal("Charts.Lines 't': series 'loss' has 2 x values and 1 y values; they must pair up.", e.Message);
    }

    [Fact]
    public void FigureCopiesItsInputsAndHandsOutFreshJson()
    {
        var data = new JsonArray(new JsonObject { ["type"] = "bar", ["y"] = new JsonArray(1, 2) });
        var layout = new JsonObject { ["title"] = "plain title" };
        var figure = new PlotlyFigure(data, layout);
        data.Clear();
        layout["title"] = "changed";
        Assert.Equal("plain title", figure.Title);
        var first = figure.ToJson();
        first["data"]!.AsArray().Clear();
        Assert.Single(figure.ToJson()["data"]!.AsArray());
        // Foreign JSON with fields of unexpected kinds still summarises instead of throwing.
        var odd = new PlotlyFigure(new JsonArray(new JsonObject { ["type"] = 5, ["name"] = new JsonArray() }), new JsonObject { ["title"] = new JsonObject { ["text"] = 1 } });
        Assert.Null(odd.Title);
        Assert.Equal("chart: (untitled) (1 trace)\n  scatter: no values", odd.ToText());
        var e = Assert.Throws<TtLoraException>(() => new PlotlyFigure(new JsonArray(JsonValue.Create(3)), []));
        Assert.Equal("Plotly figure: data[0] is Number; every trace must be a JSON object.", e.Message);
    }
}

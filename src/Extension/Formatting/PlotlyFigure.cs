using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Plotly.NET;
using TtLora.Core;
using TtLora.Extension.Display;

namespace TtLora.Extension.Formatting;

/// <summary>
/// A Plotly figure (<c>data</c> traces and a <c>layout</c>) that displays as Jupyter's plotly mime type, as an
/// offline HTML page fragment carrying plotly.js, and as a one-paragraph text summary.
/// Build one with <see cref="Charts"/>, from any Plotly.NET chart with <see cref="FromPlotlyNet"/>, or from raw JSON.
/// </summary>
public sealed class PlotlyFigure : IRichDisplay
{
    /// <summary>The height used when the layout does not give one, in CSS pixels.</summary>
    public const int DefaultHeight = 420;

    static readonly JsonSerializerOptions ScriptSafeJson = new() { Encoder = JavaScriptEncoder.Default };

    readonly JsonArray _data;
    readonly JsonObject _layout;

    /// <summary>Wraps traces and a layout; both are copied, so later changes to the arguments do not leak in.</summary>
    public PlotlyFigure(JsonArray data, JsonObject layout)
    {
        _data = (JsonArray)data.DeepClone();
        _layout = (JsonObject)layout.DeepClone();
        for (int i = 0; i < _data.Count; i++)
            if (_data[i] is not JsonObject)
                throw new TtLoraException($"Plotly figure: data[{i}] is {_data[i]?.GetValueKind().ToString() ?? "null"}; every trace must be a JSON object.");
    }

    /// <summary>Converts a chart built with Plotly.NET (its own serializer decides the JSON).</summary>
    public static PlotlyFigure FromPlotlyNet(GenericChart chart)
    {
        var figure = JsonNode.Parse(GenericChart.toFigureJson(chart))!.AsObject();
        return new PlotlyFigure(figure["data"] as JsonArray ?? [], figure["layout"] as JsonObject ?? []);
    }

    /// <summary>The chart title, or null when the layout has none.</summary>
    public string? Title => StringOf(_layout["title"] is JsonObject title ? title["text"] : _layout["title"]);

    /// <summary>The number of traces.</summary>
    public int TraceCount => _data.Count;

    /// <summary>The height the HTML fragment reserves: the layout's height, or <see cref="DefaultHeight"/>.</summary>
    public int Height => _layout["height"] is JsonValue h && h.GetValueKind() == JsonValueKind.Number
        && double.Parse(h.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture) is var px && px > 0 ? (int)px : DefaultHeight;

    /// <summary>A fresh <c>{"data": [...], "layout": {...}}</c> object, as the plotly mime renderer expects.</summary>
    public JsonObject ToJson() => new() { ["data"] = _data.DeepClone(), ["layout"] = _layout.DeepClone() };

    /// <summary>A copy whose layout <paramref name="change"/> has adjusted (e.g. whole-number ticks); this figure stays as it is.</summary>
    public PlotlyFigure WithLayout(Action<JsonObject> change)
    {
        var layout = (JsonObject)_layout.DeepClone();
        change(layout);
        return new PlotlyFigure(_data, layout);
    }

    /// <summary>A self-contained HTML output: stylesheet, plotly.js once, and the chart.</summary>
    public string ToHtml() => new HtmlOutput().AddChart(this).ToString();

    /// <summary>Title and one line per trace: kind, name and how many values it has.</summary>
    public string ToText()
    {
        var s = new StringBuilder();
        s.Append($"chart: {Title ?? "(untitled)"} ({_data.Count} trace{(_data.Count == 1 ? "" : "s")})");
        foreach (var trace in _data.OfType<JsonObject>())
        {
            string type = StringOf(trace["type"]) ?? "scatter";
            string? name = StringOf(trace["name"]);
            s.Append($"\n  {type}{(name is null ? "" : $" \"{name}\"")}: {Size(trace)}");
        }
        return s.ToString();
    }

    public override string ToString() => ToText();

    public void AddTo(IDictionary<string, object> bundle)
    {
        bundle[MimeBundles.PlainText] = ToText();
        bundle[MimeBundles.Html] = ToHtml();
        bundle[MimeBundles.PlotlyJson] = ToJson();
    }

    /// <summary>The chart's own element and drawing script, without the library (see <see cref="HtmlOutput"/>).</summary>
    internal string ChartFragment()
    {
        string id = "ttl-plot-" + Guid.NewGuid().ToString("N");
        // The encoder escapes <, > and & inside JSON strings, so a title like "</script>" cannot end the element.
        string figure = ToJson().ToJsonString(ScriptSafeJson);
        // The library may arrive after the chart: a saved notebook can show an output updated in place (a training run's
        // final chart) above the output that carried plotly.js. So the chart waits for it, for up to ten seconds.
        return $"<div id=\"{id}\" class=\"ttl-plot\" style=\"width:100%;min-width:320px;height:{Height}px\"></div>"
            + "<script type=\"text/javascript\">(function(){"
            + $"var el=document.getElementById('{id}');var fig={figure};var waited=0;"
            + "function draw(){if(typeof window.Plotly!=='undefined'){window.Plotly.newPlot(el,fig.data,fig.layout,{responsive:true,displaylogo:false});return;}"
            + "if(waited>=10000){el.textContent='plotly.js is not loaded; showing nothing.';return;}waited+=100;setTimeout(draw,100);}"
            + "draw();"
            + "})();</script>";
    }

    // Figures may come from foreign JSON, so a field of an unexpected kind reads as absent rather than throwing.
    static string? StringOf(JsonNode? node) => node is JsonValue value && value.TryGetValue(out string? text) ? text : null;

    static string Size(JsonObject trace)
    {
        if (trace["z"] is JsonArray z)
        {
            int columns = z.Count > 0 && z[0] is JsonArray row ? row.Count : 0;
            return $"{z.Count}x{columns} values";
        }
        var values = trace["y"] as JsonArray ?? trace["x"] as JsonArray ?? trace["values"] as JsonArray;
        return values is null ? "no values" : $"{values.Count} value{(values.Count == 1 ? "" : "s")}";
    }
}

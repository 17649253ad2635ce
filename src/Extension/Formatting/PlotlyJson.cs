using System.Text.Json.Nodes;

namespace TtLora.Extension.Formatting;

/// <summary>Small JSON pieces shared by the chart builders.</summary>
internal static class PlotlyJson
{
    /// <summary>A number, or null for NaN/infinity: JSON has no such numbers and Plotly draws null as a gap.</summary>
    public static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    public static JsonArray Numbers(IEnumerable<double> values) => new(values.Select(Number).ToArray());

    public static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    public static JsonObject Title(string text) => new() { ["text"] = text };

    public static JsonObject Axis(string? title)
    {
        var axis = new JsonObject { ["automargin"] = true };
        if (title is not null) axis["title"] = Title(title);
        return axis;
    }

    public static JsonObject Layout(string title, int height, string? xTitle, string? yTitle) => new()
    {
        ["title"] = Title(title),
        ["height"] = height,
        ["margin"] = new JsonObject { ["t"] = 50, ["r"] = 30, ["b"] = 50, ["l"] = 60 },
        ["xaxis"] = Axis(xTitle),
        ["yaxis"] = Axis(yTitle),
    };
}

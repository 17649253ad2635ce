using System.Text;
using System.Text.Json.Nodes;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Results;

/// <summary>A titled list of measured figures (name, value, unit).</summary>
public sealed record FiguresResult(string Title, IReadOnlyList<(string Name, double Value, string Unit)> Figures) : ICommandResult
{
    public string ToText()
    {
        var s = new StringBuilder(Title);
        foreach (var (name, value, unit) in Figures) s.Append($"\n  {name,-36} {value,12:N2} {unit}");
        return s.ToString();
    }

    public JsonNode ToJson() => new JsonObject
    {
        ["title"] = Title,
        ["figures"] = new JsonArray(Figures.Select(f => (JsonNode?)new JsonObject { ["name"] = f.Name, ["value"] = f.Value, ["unit"] = f.Unit }).ToArray()),
    };

    public string ToHtml() => BenchmarkView.ToHtml(Title, Figures);
}

using System.Text;
using System.Text.Json.Nodes;
using TtLora.Extension.Display;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Results;

/// <summary>An expert's label probabilities for each text.</summary>
public sealed record PredictionResult(string Expert, IReadOnlyList<string> Labels, IReadOnlyList<string> Texts, IReadOnlyList<float[]> Probabilities) : ICommandResult
{
    public string Predicted(int i) => Labels[Array.IndexOf(Probabilities[i], Probabilities[i].Max())];

    public string ToText()
    {
        var s = new StringBuilder();
        for (int i = 0; i < Texts.Count; i++)
        {
            string text = Texts[i].Length > 60 ? Texts[i][..60] + "..." : Texts[i];
            s.AppendLine($"{Predicted(i)}  ({string.Join(", ", Labels.Select((l, j) => $"{l} {Probabilities[i][j]:P1}"))})  {text.ReplaceLineEndings(" ")}");
        }
        return s.ToString().TrimEnd();
    }

    public JsonNode ToJson() => new JsonObject
    {
        ["expert"] = Expert,
        ["labels"] = new JsonArray(Labels.Select(l => (JsonNode?)l).ToArray()),
        ["predictions"] = new JsonArray(Texts.Select((t, i) => (JsonNode?)new JsonObject
        {
            ["text"] = t,
            ["label"] = Predicted(i),
            ["probabilities"] = new JsonArray(Probabilities[i].Select(p => (JsonNode?)p).ToArray()),
        }).ToArray()),
    };

    /// <summary>The HTML view.</summary>
    public string ToHtml() => PredictionView.ToHtml(this);
}

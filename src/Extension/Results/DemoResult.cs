using System.Text;
using System.Text.Json.Nodes;
using TtLora.Extension.Display;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Results;

/// <summary>What the demo did, step by step, with each step's own result.</summary>
public sealed record DemoResult(IReadOnlyList<string> Steps, ModelInfoResult Model, TokenizeResult Prompt, GenerateResult Generation) : ICommandResult, IRichDisplay
{
    public string ToText()
    {
        var s = new StringBuilder();
        foreach (var step in Steps) s.AppendLine($"- {step}");
        s.AppendLine().AppendLine(Model.ToText());
        s.AppendLine().AppendLine("prompt tokens:").AppendLine(Prompt.ToText());
        s.AppendLine().AppendLine($"greedy continuation ({Generation.GeneratedIds.Count} tokens; the weights are random, so the text is too):");
        s.AppendLine(Generation.ToText());
        return s.ToString().TrimEnd();
    }

    public JsonNode ToJson() => new JsonObject
    {
        ["steps"] = new JsonArray(Steps.Select(x => (JsonNode?)x).ToArray()),
        ["model"] = Model.ToJson(),
        ["prompt"] = Prompt.ToJson(),
        ["generation"] = Generation.ToJson(),
    };

    /// <summary>Adds the HTML view; text/plain stays <see cref="ToText"/>.</summary>
    public void AddTo(IDictionary<string, object> bundle) => bundle[MimeBundles.Html] = DemoView.ToHtml(this);
}

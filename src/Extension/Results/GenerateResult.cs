using System.Text.Json.Nodes;
using TtLora.Extension.Display;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Results;

/// <summary>A greedy generation: the prompt ids, the new ids, and their text when a tokenizer is known.</summary>
public sealed record GenerateResult(IReadOnlyList<long> PromptIds, IReadOnlyList<long> GeneratedIds, string? PromptText, string? Text) : ICommandResult
{
    public string ToText() => Text is null
        ? $"prompt ids:    {string.Join(" ", PromptIds)}\ngenerated ids: {string.Join(" ", GeneratedIds)}"
        : $"{PromptText}{Text}";

    public JsonNode ToJson() => new JsonObject
    {
        ["prompt_ids"] = new JsonArray(PromptIds.Select(i => (JsonNode?)i).ToArray()),
        ["generated_ids"] = new JsonArray(GeneratedIds.Select(i => (JsonNode?)i).ToArray()),
        ["text"] = Text,
    };

    /// <summary>The HTML view.</summary>
    public string ToHtml() => GenerateView.ToHtml(this);
}

using System.Text.Json.Nodes;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Results;

/// <summary>A one-line confirmation.</summary>
public sealed record MessageResult(string Message) : ICommandResult
{
    public string ToText() => Message;
    public JsonNode ToJson() => new JsonObject { ["message"] = Message };
    public string ToHtml() => new HtmlOutput().AddText(Message).ToString();
}

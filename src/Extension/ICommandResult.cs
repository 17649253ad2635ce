using System.Text.Json.Nodes;

namespace TtLora.Extension;

/// <summary>A verb's result: plain text for people, JSON for machines; rich hosts add their own renderings.</summary>
public interface ICommandResult
{
    string ToText();
    JsonNode ToJson();
}

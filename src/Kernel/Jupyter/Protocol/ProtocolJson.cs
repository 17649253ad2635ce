using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace TtLora.Kernel.Jupyter.Protocol;

/// <summary>How message contents map to JSON: the protocol's snake_case names, absent optional fields left out.</summary>
public static class ProtocolJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static JsonObject Write(object content) =>
        content as JsonObject ?? JsonSerializer.SerializeToNode(content, content.GetType(), Options)!.AsObject();

    public static T Read<T>(JsonObject content) where T : new()
    {
        try
        {
            return content.Deserialize<T>(Options) ?? new T();
        }
        catch (JsonException)
        {
            // A field of the wrong type: treat the request like one with defaults rather than dropping it unanswered.
            return new T();
        }
    }

    /// <summary>UTF-8 bytes of a JSON object in compact form, as the wire carries it.</summary>
    public static byte[] Bytes(JsonObject value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);
}

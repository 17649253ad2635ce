using System.Text.Json.Nodes;

namespace TtLora.Kernel.Jupyter.Protocol;

/// <summary>
/// One message of the Jupyter protocol: the routing identities it came with (or the iopub topic it goes out under),
/// the four JSON parts and any binary buffers.
/// </summary>
public sealed record JupyterMessage(
    IReadOnlyList<byte[]> Identities, JsonObject Header, JsonObject ParentHeader, JsonObject Metadata, JsonObject Content,
    IReadOnlyList<byte[]> Buffers)
{
    /// <summary>The protocol version this kernel speaks.</summary>
    public const string ProtocolVersion = "5.3";

    public string Type => Header["msg_type"] is JsonValue v && v.TryGetValue(out string? type) ? type : "";

    public string Id => Header["msg_id"] is JsonValue v && v.TryGetValue(out string? id) ? id : "";

    /// <summary>Reads the content as a typed request; missing fields take the type's defaults.</summary>
    public T ContentAs<T>() where T : new() => ProtocolJson.Read<T>(Content);
}

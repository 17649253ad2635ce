using System.Text.Json.Nodes;

namespace TtLora.Kernel.Jupyter.Messages;

/// <summary>inspect_request: help for the name at the cursor (in Unicode code points).</summary>
public sealed class InspectRequest
{
    public const string Type = "inspect_request";
    public string Code { get; init; } = "";
    public int CursorPos { get; init; }
    public int DetailLevel { get; init; }
}

/// <summary>inspect_reply: a mime bundle of help, or found=false.</summary>
public sealed record InspectReply(bool Found, JsonObject Data)
{
    public const string Type = "inspect_reply";
    public string Status => "ok";
    public JsonObject Metadata => [];
}

using System.Text.Json.Nodes;

namespace TtLora.Kernel.Jupyter.Messages;

/// <summary>comm_info_reply: no comms are open, since the kernel registers no comm targets.</summary>
public sealed record CommInfoReply
{
    public const string RequestType = "comm_info_request";
    public const string Type = "comm_info_reply";
    public string Status => "ok";
    public JsonObject Comms => [];
}

/// <summary>comm_open from a front end; the kernel answers every one with <see cref="CommClose"/>.</summary>
public sealed class CommOpen
{
    public const string Type = "comm_open";
    public string CommId { get; init; } = "";
    public string TargetName { get; init; } = "";
}

/// <summary>comm_close: tells the front end its comm has no target here.</summary>
public sealed record CommClose(string CommId)
{
    public const string Type = "comm_close";
    public JsonObject Data => [];
}

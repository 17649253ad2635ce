using System.Text.Json.Nodes;

namespace TtLora.Kernel.Jupyter.Messages;

/// <summary>history_reply: this kernel keeps no history between sessions, so the list is always empty.</summary>
public sealed record HistoryReply
{
    public const string RequestType = "history_request";
    public const string Type = "history_reply";
    public string Status => "ok";
    public JsonArray History => [];
}

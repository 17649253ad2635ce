using System.Text.Json.Nodes;

namespace TtLora.Kernel.Jupyter.Messages;

/// <summary>complete_request: completions at a cursor position (in Unicode code points).</summary>
public sealed class CompleteRequest
{
    public const string Type = "complete_request";
    public string Code { get; init; } = "";
    public int CursorPos { get; init; }
}

/// <summary>complete_reply: the candidates and the code-point range they replace.</summary>
public sealed record CompleteReply(IReadOnlyList<string> Matches, int CursorStart, int CursorEnd)
{
    public const string Type = "complete_reply";
    public string Status => "ok";
    public JsonObject Metadata => [];
}

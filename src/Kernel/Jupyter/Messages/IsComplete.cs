namespace TtLora.Kernel.Jupyter.Messages;

/// <summary>is_complete_request: would this code run as typed, or does it need more lines?</summary>
public sealed class IsCompleteRequest
{
    public const string Type = "is_complete_request";
    public string Code { get; init; } = "";
}

/// <summary>is_complete_reply: complete, incomplete (with an indent for the next line) or invalid.</summary>
public sealed record IsCompleteReply(string Status, string? Indent)
{
    public const string Type = "is_complete_reply";
}

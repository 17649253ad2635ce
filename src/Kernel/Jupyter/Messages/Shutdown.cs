namespace TtLora.Kernel.Jupyter.Messages;

/// <summary>shutdown_request: stop the kernel; <see cref="Restart"/> says the front end will start a new one.</summary>
public sealed class ShutdownRequest
{
    public const string Type = "shutdown_request";
    public bool Restart { get; init; }
}

/// <summary>shutdown_reply: sent before the kernel exits, echoing the restart flag.</summary>
public sealed record ShutdownReply(bool Restart)
{
    public const string Type = "shutdown_reply";
    public string Status => "ok";
}

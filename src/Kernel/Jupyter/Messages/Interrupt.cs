namespace TtLora.Kernel.Jupyter.Messages;

/// <summary>interrupt_reply: the running cell has been asked to stop.</summary>
public sealed record InterruptReply
{
    public const string RequestType = "interrupt_request";
    public const string Type = "interrupt_reply";
    public string Status => "ok";
}

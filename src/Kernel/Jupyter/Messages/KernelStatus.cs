namespace TtLora.Kernel.Jupyter.Messages;

/// <summary>status: busy while a request is handled, idle once it is done; starting once at launch.</summary>
public sealed record KernelStatus(string ExecutionState)
{
    public const string Type = "status";
    public static readonly KernelStatus Busy = new("busy");
    public static readonly KernelStatus Idle = new("idle");
    public static readonly KernelStatus Starting = new("starting");
}

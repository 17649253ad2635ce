namespace TtLora.Kernel.Jupyter.Protocol;

/// <summary>The kernel's message channels (the heartbeat only echoes bytes and has no messages).</summary>
public enum Channel
{
    Shell,
    Control,
    Stdin,
    IoPub,
}

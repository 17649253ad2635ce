namespace TtLora.Kernel.Jupyter.Messages;

/// <summary>stream: text a cell wrote to stdout or stderr.</summary>
public sealed record StreamOutput(string Name, string Text)
{
    public const string Type = "stream";
    public const string Stdout = "stdout";
    public const string Stderr = "stderr";
}

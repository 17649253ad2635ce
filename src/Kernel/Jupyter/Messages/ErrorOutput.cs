namespace TtLora.Kernel.Jupyter.Messages;

/// <summary>error: what went wrong in a cell, as the user should read it.</summary>
public sealed record ErrorOutput(string Ename, string Evalue, IReadOnlyList<string> Traceback)
{
    public const string Type = "error";
}

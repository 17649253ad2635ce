namespace TtLora.Kernel.Jupyter.Cells;

/// <summary>A verb run from C# (<see cref="KernelGlobals.ttlora"/>) failed; the cell shows the verb's own error, as a magic line would.</summary>
internal sealed class VerbFailedException(CellError error) : Exception(error.Value)
{
    public CellError Error { get; } = error;
}

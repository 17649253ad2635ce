using System.ComponentModel;

namespace TtLora.Kernel.Jupyter.Cells;

/// <summary>
/// The running cell's cancellation, reachable from anywhere in cell code — also from types and local functions a
/// cell declares, which cannot see the script's globals. The kernel runs one cell at a time, so one slot suffices.
/// </summary>
public static class CellInterrupt
{
    static CancellationToken current;

    /// <summary>Cancelled when the user interrupts the running cell.</summary>
    public static CancellationToken Current => current;

    internal static void Enter(CancellationToken token) => current = token;

    /// <summary>Throws when the cell was interrupted. The kernel inserts a call at the top of every loop body of a cell.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void Checkpoint() => current.ThrowIfCancellationRequested();
}

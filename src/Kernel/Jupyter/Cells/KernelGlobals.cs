namespace TtLora.Kernel.Jupyter.Cells;

/// <summary>
/// What cell code can use without qualification, besides the default imports: <c>display(value)</c> and
/// <c>Cancellation</c>.
/// </summary>
public sealed class KernelGlobals
{
    readonly Func<CellOutput?> currentOutput;

    internal KernelGlobals(Func<CellOutput?> currentOutput) => this.currentOutput = currentOutput;

    /// <summary>Cancelled when the user interrupts the running cell; long loops and calls should honour it.</summary>
    public CancellationToken Cancellation => CellInterrupt.Current;

    /// <summary>Shows a value in the cell's output now; the returned handle replaces it later.</summary>
#pragma warning disable IDE1006 // lower case, as Jupyter users know it from IPython
    public DisplayHandle display(object? value) =>
        (currentOutput() ?? throw new InvalidOperationException("display() works only while a cell runs")).Display(value);
#pragma warning restore IDE1006
}

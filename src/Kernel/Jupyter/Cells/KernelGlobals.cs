namespace TtLora.Kernel.Jupyter.Cells;

/// <summary>
/// What cell code can use without qualification, besides the default imports: <c>display(value)</c>,
/// <c>ttlora(args)</c> and <c>Cancellation</c>.
/// </summary>
public sealed class KernelGlobals
{
    readonly Func<CellOutput?> currentOutput;
    readonly Func<IReadOnlyList<string>, CellOutput, CancellationToken, CellError?> runVerb;

    internal KernelGlobals(Func<CellOutput?> currentOutput, Func<IReadOnlyList<string>, CellOutput, CancellationToken, CellError?> runVerb)
    {
        this.currentOutput = currentOutput;
        this.runVerb = runVerb;
    }

    /// <summary>Cancelled when the user interrupts the running cell; long loops and calls should honour it.</summary>
    public CancellationToken Cancellation => CellInterrupt.Current;

#pragma warning disable IDE1006 // lower case, as Jupyter users know it from IPython and from the ttlora command
    /// <summary>Shows a value in the cell's output now; the returned handle replaces it later.</summary>
    public DisplayHandle display(object? value) => Output().Display(value);

    /// <summary>
    /// Runs a verb from C# exactly as a <c>#!tt-lora</c> line would — same session defaults (<c>use</c>), same live
    /// progress display, its result shown in the cell — for loops and conditions, which a magic line cannot express:
    /// <c>foreach (var task in tasks) ttlora("train", "--task", task);</c>. A failure stops the cell with the verb's error.
    /// </summary>
    public void ttlora(params string[] args)
    {
        var error = runVerb(args, Output(), Cancellation);
        if (error is not null) throw new VerbFailedException(error);
    }
#pragma warning restore IDE1006

    CellOutput Output() => currentOutput() ?? throw new InvalidOperationException("display() and ttlora() work only while a cell runs");
}

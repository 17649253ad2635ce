namespace TtLora.Kernel.Jupyter.Cells;

/// <summary>The outcome of a whole cell: the value to show as its result, or the error that stopped it.</summary>
internal readonly record struct CellOutcome(object? Value, bool HasValue, CellError? Error);

/// <summary>
/// Runs a cell's segments in order — C# runs as submissions, <c>#!tt-lora</c> lines as verbs — with the console
/// redirected into the cell's streams, and stops at the first error.
/// </summary>
internal sealed class CellRunner(CSharpSession csharp, MagicRunner magic)
{
    public CellOutcome Run(string code, string cellName, CellOutput output, CancellationToken cancellation)
    {
        var segments = CellSegments.Split(code);
        var (stdout, stderr) = (Console.Out, Console.Error);
        Console.SetOut(output.Stdout);
        Console.SetError(output.Stderr);
        CellInterrupt.Enter(cancellation);
        try
        {
            var outcome = new CellOutcome(null, false, null);
            for (int i = 0; i < segments.Count; i++)
            {
                if (cancellation.IsCancellationRequested) return new(null, false, CellError.Interrupted);
                if (segments[i] is MagicSegment line)
                {
                    var error = magic.Run(line.Line, output, cancellation);
                    if (error is not null) return new(null, false, error);
                    outcome = new(null, false, null);
                    continue;
                }
                var run = (CSharpSegment)segments[i];
                var result = csharp.Run(run.Code, run.FirstLine, cellName, cancellation);
                if (result.Error is not null) return new(null, false, result.Error);
                outcome = new(result.Value, result.HasValue, null);
                // Only the cell's last value is its result; values of earlier runs are shown where they occur.
                if (result.HasValue && i < segments.Count - 1 && result.Value is not DisplayHandle) output.Display(result.Value);
            }
            return outcome;
        }
        catch (Exception e)
        {
            // A verb or library bug must cost the cell, not the kernel.
            return new(null, false, cancellation.IsCancellationRequested && e is OperationCanceledException or ThreadInterruptedException
                ? CellError.Interrupted
                : CellError.FromException(e));
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }
}

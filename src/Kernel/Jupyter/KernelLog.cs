namespace TtLora.Kernel.Jupyter;

/// <summary>
/// The kernel's own diagnostics, on the process's original stderr (the front end's log), never in a cell's output
/// even while a cell has the console redirected.
/// </summary>
public sealed class KernelLog(TextWriter error)
{
    readonly TextWriter error = TextWriter.Synchronized(error);

    public void Write(string message) => error.WriteLine($"[ttlora kernel {DateTime.Now:HH:mm:ss.fff}] {message}");
}

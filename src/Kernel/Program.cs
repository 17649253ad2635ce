using System.Text.Json;
using TtLora.Extension;
using TtLora.Kernel.Terminal;

namespace TtLora.Kernel;

/// <summary>The <c>ttlora</c> executable: the terminal host of the command set.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // First Ctrl+C asks running work to stop cleanly; a second one kills the process.
            if (cancel.IsCancellationRequested) return;
            e.Cancel = true;
            cancel.Cancel();
        };
        var progress = new TerminalProgress(Console.Error);
        var context = new CommandContext
        {
            Cancellation = cancel.Token,
            Progress = progress.Report,
            Emit = (result, json) => Console.Out.WriteLine(json
                ? result.ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = false })
                : result.ToText()),
        };
        return progress.Run(() => CommandRunner.Run(args, context, Console.Out, Console.Error));
    }
}

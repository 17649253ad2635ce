using System.Text.Json;
using TtLora.Extension;
using TtLora.Kernel.Jupyter;

namespace TtLora.Kernel;

/// <summary>
/// The <c>ttlora</c> executable: the terminal host of the command set, and the Jupyter kernel
/// (<c>ttlora kernel ...</c>), which hosts the same command set in notebook cells.
/// </summary>
public static class Program
{
    public static int Main(string[] args) =>
        args.Length > 0 && args[0] == KernelCommand.Name
            ? KernelCommand.Run(args, Console.Out, Console.Error)
            : Terminal(args);

    static int Terminal(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // First Ctrl+C asks running work to stop cleanly; a second one kills the process.
            if (cancel.IsCancellationRequested) return;
            e.Cancel = true;
            cancel.Cancel();
        };
        var context = new CommandContext
        {
            Cancellation = cancel.Token,
            Emit = (result, json) => Console.Out.WriteLine(json
                ? result.ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = false })
                : result.ToText()),
        };
        return CommandRunner.Run(args, context, Console.Out, Console.Error);
    }
}

using System.Text.Json;
using TtLora.Extension;
using TtLora.Kernel.Terminal;
using TtLora.Kernel.Jupyter;

namespace TtLora.Kernel;

/// <summary>
/// The <c>ttlora</c> executable: the terminal host of the command set, and the Jupyter kernel
/// (<c>ttlora kernel ...</c>), which hosts the same command set in notebook cells.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        // Threads from the allocation (a Slurm task's CPUs, the affinity mask), never every core of a shared node.
        try
        {
            var cpus = Core.CpuAllocation.ApplyToTorch();
            if (Environment.GetEnvironmentVariable("SLURM_JOB_ID") is not null) Console.Error.WriteLine($"threads: {cpus.Threads} ({cpus.Source})");
        }
        catch (Core.TtLoraException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // First Ctrl+C asks running work to stop cleanly; a second one kills the process.
            if (cancel.IsCancellationRequested) return;
            e.Cancel = true;
            cancel.Cancel();
        };
        bool kernel = args.Length > 0 && args[0] == KernelCommand.Name;
        // A bug on a background thread ends the process anyway; it ends with one line and a log, not a raw trace.
        // (The kernel reports such failures to its front end itself.)
        if (!kernel) AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            if (e.ExceptionObject is not Exception failure) return;
            Console.Error.WriteLine($"error: {FailureReport.Describe(failure, args)}");
            Console.Error.Flush();
            Environment.Exit(CommandRunner.InternalError);
        };
        var progress = new TerminalProgress(Console.Error);
        var context = new CommandContext
        {
            Cancellation = cancel.Token,
            Progress = progress.Report,
            Log = line => Console.Error.WriteLine(line),
            Emit = (result, json) => Console.Out.WriteLine(json
                ? result.ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = false })
                : result.ToText()),
        };
        int Run() => CommandRunner.Run(args, context, Console.Out, Console.Error,
            root => root.Add(KernelCommand.Build(Console.Out, Console.Error)));
        // The kernel talks to Jupyter, not to a person: no progress display around it.
        return kernel ? Run() : progress.Run(Run);
    }
}

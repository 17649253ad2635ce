using Spectre.Console;
using TtLora.Core.Training;

namespace TtLora.Kernel.Terminal;

/// <summary>
/// Draws training progress in a terminal: a Spectre.Console progress bar per phase (step, loss, accuracy, tokens/s,
/// ETA) when stderr is interactive; otherwise one plain line every few seconds, so logs of long runs stay readable.
/// </summary>
public sealed class TerminalProgress
{
    private readonly TextWriter log;
    private readonly Dictionary<string, ProgressTask> tasks = new();
    private ProgressContext? live;
    private DateTime lastLine = DateTime.MinValue;

    public TerminalProgress(TextWriter log) => this.log = log;

    public static bool Interactive => !Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="work"/>, drawing the bars while it reports.</summary>
    public T Run<T>(Func<T> work)
    {
        if (!Interactive) return work();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                live = context;
                try { return work(); }
                finally { live = null; }
            });
    }

    public void Report(TrainingProgress p)
    {
        string detail = Describe(p);
        if (live is not null)
        {
            if (!tasks.TryGetValue(p.Phase, out var task))
                tasks[p.Phase] = task = live.AddTask(p.Phase, maxValue: Math.Max(1, p.TotalSteps));
            task.MaxValue = Math.Max(1, p.TotalSteps);
            task.Value = p.Step;
            task.Description = $"{p.Phase} {Markup.Escape(detail)}";
            return;
        }
        bool evaluation = p.ValidationLoss is not null;
        if (evaluation || p.Step == p.TotalSteps || DateTime.UtcNow - lastLine > TimeSpan.FromSeconds(5))
        {
            // A phase announcing itself (step 0 with a message) has no step count or ETA worth printing yet.
            log.WriteLine(p.Step == 0 && p.Message is not null
                ? $"[{p.Phase}] {detail}"
                : $"[{p.Phase}] step {p.Step}/{p.TotalSteps} {detail} eta {p.Eta:hh\\:mm\\:ss}");
            lastLine = DateTime.UtcNow;
        }
    }

    static string Describe(TrainingProgress p)
    {
        var parts = new List<string>();
        if (p.Epoch > 0) parts.Add($"epoch {p.Epoch}");
        if (!double.IsNaN(p.Loss)) parts.Add($"loss {p.Loss:F3}");
        if (p.Accuracy is double acc) parts.Add($"acc {acc:P1}");
        if (p.ValidationLoss is double vl) parts.Add($"val loss {vl:F3}");
        if (p.ValidationAccuracy is double va) parts.Add($"val acc {va:P1}");
        if (p.TokensPerSecond > 0) parts.Add($"{p.TokensPerSecond:N0} tok/s");
        if (p.Message is not null) parts.Add(p.Message);
        return string.Join(", ", parts);
    }
}

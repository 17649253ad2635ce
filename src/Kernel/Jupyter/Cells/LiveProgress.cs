using TtLora.Core.Training;
using TtLora.Extension.Formatting;

namespace TtLora.Kernel.Jupyter.Cells;

/// <summary>
/// Shows the training progress a <c>#!tt-lora</c> verb reports as one display per verb run, replaced in place
/// (display_data once, then update_display_data under the same display id). Updates are throttled to one per
/// <see cref="Interval"/>, except that the first report, every evaluation, a change of phase and the last step always
/// go out; when the verb ends, a final update marks the run done (or stopped) and carries the interactive chart,
/// which is too heavy to resend on every step.
/// </summary>
internal sealed class LiveProgress(TimeProvider? clock = null)
{
    /// <summary>The least time between two throttled updates.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    readonly TimeProvider clock = clock ?? TimeProvider.System;
    readonly Lock gate = new();
    CellOutput? output;
    string title = "";
    TrainingProgressView? view;
    DisplayHandle? display;
    string? phase;
    long lastUpdate;

    /// <summary>Starts a verb run whose reports go to <paramref name="cellOutput"/> under <paramref name="runTitle"/>.</summary>
    public void Begin(CellOutput cellOutput, string runTitle)
    {
        lock (gate)
        {
            output = cellOutput;
            title = runTitle;
            view = null;
            display = null;
            phase = null;
        }
    }

    /// <summary>Takes one report (the <see cref="TtLora.Extension.CommandContext.Progress"/> of the kernel's verbs); outside a verb run it is dropped.</summary>
    public void Report(TrainingProgress progress)
    {
        lock (gate)
        {
            if (output is null) return;
            // A new loop (another total, or steps counting from the start again) gets a fresh view in the same display.
            if (view is null || Math.Max(1, progress.TotalSteps) != view.TotalSteps || progress.Step < view.Step)
                view = new TrainingProgressView(title, Math.Max(1, progress.TotalSteps), clock);
            view.Report(progress);
            bool phaseChanged = progress.Phase != phase;
            phase = progress.Phase;
            bool always = display is null || phaseChanged || progress.ValidationLoss is not null || progress.ValidationAccuracy is not null
                || progress.Step >= progress.TotalSteps;
            if (!always && clock.GetElapsedTime(lastUpdate) < Interval) return;
            Show();
        }
    }

    /// <summary>Ends the verb run: a display that was shown gets its final state and the interactive chart.</summary>
    /// <param name="outcome">Null when the verb succeeded; otherwise why it stopped (e.g. "interrupted").</param>
    public void End(string? outcome)
    {
        lock (gate)
        {
            if (display is not null && view is not null)
            {
                if (outcome is null) view.Complete();
                else view.Stop(outcome);
                view.InteractiveChart = true;
                Show();
            }
            output = null;
            view = null;
            display = null;
        }
    }

    // Callers hold the gate.
    void Show()
    {
        if (display is null) display = output!.Display(view);
        else display.Update(view);
        lastUpdate = clock.GetTimestamp();
    }
}

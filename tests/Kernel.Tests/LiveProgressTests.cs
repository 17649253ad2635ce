using TtLora.Core.Training;
using TtLora.Kernel.Jupyter.Cells;
using TtLora.Kernel.Jupyter.Messages;

namespace TtLora.Kernel.Tests;

/// <summary>The throttling and lifecycle of a verb's live progress display, on a clock the test moves.</summary>
public class LiveProgressTests
{
    sealed class ManualClock : TimeProvider
    {
        long ticks;
        public void Advance(TimeSpan by) => ticks += by.Ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => ticks;
    }

    sealed record Sent(string Type, string DisplayId, string Text, string Html);

    static (LiveProgress Progress, ManualClock Clock, List<Sent> Sent, CellOutput Output) Start()
    {
        var sent = new List<Sent>();
        var output = new CellOutput((type, content) =>
        {
            var (data, transient) = content switch
            {
                DisplayData d => (d.Data, d.Transient),
                UpdateDisplayData u => (u.Data, u.Transient),
                _ => throw new InvalidOperationException($"unexpected {type}"),
            };
            sent.Add(new Sent(type, transient.DisplayId, (string)data["text/plain"]!, (string)data["text/html"]!));
        }, TimeSpan.FromHours(1));
        var clock = new ManualClock();
        return (new LiveProgress(clock), clock, sent, output);
    }

    static TrainingProgress Step(int step, string phase = "train", double? validationLoss = null, int total = 100) =>
        new(phase, step, total, 1, 1.0 / step, 0.5, 100, TimeSpan.FromSeconds(step), validationLoss);

    [Fact]
    public void UpdatesAreThrottledButEvaluationsPhasesAndTheEndAlwaysShow()
    {
        var (progress, clock, sent, output) = Start();
        using (output)
        {
            progress.Begin(output, "#!tt-lora train");
            for (int step = 1; step <= 10; step++)
            {
                progress.Report(Step(step));
                clock.Advance(TimeSpan.FromMilliseconds(100));
            }
            // Steps 1 (first) and 6 (0.5 s after it) went out.
            Assert.Equal([DisplayData.Type, UpdateDisplayData.Type], sent.Select(s => s.Type));
            Assert.Contains("step 6/100", sent[1].Text);

            progress.Report(Step(10, "validate", validationLoss: 0.25));
            Assert.Contains("validation loss 0.25", sent[^1].Text);
            progress.Report(Step(11));   // a phase change shows at once
            progress.Report(Step(12));   // throttled
            progress.Report(Step(100));  // the last step always shows
            Assert.Equal(5, sent.Count);
            Assert.Contains("step 100/100", sent[^1].Text);

            progress.End(null);
            Assert.Equal(6, sent.Count);
            Assert.All(sent.Skip(1), s => Assert.Equal(UpdateDisplayData.Type, s.Type));
            Assert.Single(sent.Select(s => s.DisplayId).Distinct());
            Assert.EndsWith(", done", sent[^1].Text);
            // Only the final update carries plotly.js and the interactive chart.
            Assert.Contains("plotly.js v", sent[^1].Html);
            Assert.All(sent.SkipLast(1), s => Assert.DoesNotContain("<script", s.Html));

            progress.Report(Step(1)); // after the verb: nowhere to show it
            Assert.Equal(6, sent.Count);
        }
    }

    [Fact]
    public void AStoppedRunSaysWhyAndAVerbWithoutProgressShowsNothing()
    {
        var (progress, clock, sent, output) = Start();
        using (output)
        {
            progress.Begin(output, "#!tt-lora experts");
            progress.End(null);
            Assert.Empty(sent);

            progress.Begin(output, "#!tt-lora pretrain");
            progress.Report(new TrainingProgress("tokenizer", 0, 20, 0, double.NaN, null, 0, TimeSpan.Zero, Message: "training a 300-token byte-level BPE"));
            progress.Report(Step(3, "pretrain", total: 20));
            clock.Advance(TimeSpan.FromSeconds(1));
            progress.Report(Step(2, "pretrain", total: 20)); // a loop that starts over gets a fresh view
            progress.End("interrupted");
            Assert.Equal(["#!tt-lora pretrain: tokenizer: training a 300-token byte-level BPE, step 0/20 (0%)"], sent.Take(1).Select(s => s.Text));
            Assert.StartsWith("#!tt-lora pretrain: pretrain, epoch 1, step 2/20 (10%), loss 0.5", sent[^1].Text);
            Assert.EndsWith(", stopped (interrupted)", sent[^1].Text);
            Assert.Single(sent.Select(s => s.DisplayId).Distinct());
        }
    }
}

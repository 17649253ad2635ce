using TtLora.Core;
using TtLora.Core.Training;
using TtLora.Extension.Display;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Tests.Formatting;

public class TrainingProgressViewTests
{
    /// <summary>A clock that moves only when told to.</summary>
    sealed class ManualClock : TimeProvider
    {
        long _ticks;
        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Interlocked.Read(ref _ticks);
    }

    [Fact]
    public void EtaExtrapolatesThePaceSinceTheFirstReport()
    {
        var clock = new ManualClock();
        var view = new TrainingProgressView("expert sst2", 100, clock);
        view.Report(10, loss: 2.0);
        Assert.Null(view.Eta); // one report gives no pace yet
        clock.Advance(TimeSpan.FromSeconds(20));
        view.Report(20, loss: 1.5, accuracy: 0.55, tokensPerSecond: 1234.4);
        // 10 steps took 20 s; 80 steps remain.
        Assert.Equal(TimeSpan.FromSeconds(160), view.Eta);
        Assert.Equal("expert sst2: step 20/100 (20%), loss 1.5, accuracy 0.55, 1,234 tokens/s, ETA 2m 40s", view.ToText());
        view.Report(30, loss: 1.2, eta: TimeSpan.FromSeconds(42));
        Assert.Equal(TimeSpan.FromSeconds(42), view.Eta); // the trainer's own estimate wins
        view.Complete();
        Assert.Equal(TimeSpan.Zero, view.Eta);
        Assert.Equal("expert sst2: step 100/100 (100%), loss 1.2, accuracy 0.55, 1,234 tokens/s, done", view.ToText());
    }

    [Fact]
    public void HtmlShowsBarSummaryAndLightCurvesWithoutScripts()
    {
        var view = new TrainingProgressView("router <stage two>", 50);
        for (int step = 1; step <= 5; step++) view.Report(step, loss: 1.0 / step, accuracy: step / 10.0);
        string html = view.ToHtml();
        Assert.DoesNotContain("<script", html);
        Assert.True(html.Length < 20_000, $"a progress update is {html.Length} characters; it should stay small");
        var root = HtmlDoc.Parse(html);
        Assert.Equal("router <stage two>", root.All("h4").Single().Value);
        Assert.Equal("width:10%", root.All("div").Single(d => d.HasClass("ttl-progress")).Elements().Single().Attribute("style")!.Value);
        var lines = root.All("polyline").ToArray();
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.Equal(5, l.Attribute("points")!.Value.Split(' ').Length));

        var bundle = MimeBundles.For(view);
        Assert.Equal(view.ToText(), bundle[MimeBundles.PlainText]);
        Assert.Equal(html, bundle[MimeBundles.Html]);
    }

    [Fact]
    public void InteractiveChartEmbedsPlotlyWithLossAndAccuracyAxes()
    {
        var view = new TrainingProgressView("run", 10) { InteractiveChart = true };
        view.Report(1, loss: 2, accuracy: 0.1);
        view.Report(2, loss: 1, accuracy: 0.4);
        string html = view.ToHtml();
        Assert.Equal(1, HtmlDoc.Count(html, "plotly.js v2.28.0"));
        var data = view.Figure().ToJson()["data"]!.AsArray();
        Assert.Equal(["loss", "accuracy"], data.Select(t => t!["name"]!.GetValue<string>()));
        Assert.Equal([2.0, 1.0], data[0]!["y"]!.AsArray().Select(n => n!.GetValue<double>()));
        Assert.Equal([1.0, 2.0], data[1]!["x"]!.AsArray().Select(n => n!.GetValue<double>()));
        Assert.Equal("y2", data[1]!["yaxis"]!.GetValue<string>());
    }

    [Fact]
    public void BadStepsAreRejectedWithTheirNumbers()
    {
        var view = new TrainingProgressView("run", 10);
        view.Report(4);
        Assert.Equal("TrainingProgressView 'run': step 3 reported after step 4; steps must not go backwards.", Assert.Throws<TtLoraException>(() => view.Report(3)).Message);
        Assert.Equal("TrainingProgressView 'run': step 11 is past the total of 10 steps.", Assert.Throws<TtLoraException>(() => view.Report(11)).Message);
        Assert.Equal("TrainingProgressView 'x': total steps is 0; it must be positive.", Assert.Throws<TtLoraException>(() => new TrainingProgressView("x", 0)).Message);
    }

    [Fact]
    public async Task ReportingWhileRenderingIsSafe()
    {
        var view = new TrainingProgressView("run", 2000);
        var writer = Task.Run(() => { for (int s = 1; s <= 2000; s++) view.Report(s, loss: 1.0 / s, accuracy: s / 2000.0); });
        while (!writer.IsCompleted) HtmlDoc.Parse(view.ToHtml());
        await writer;
        Assert.Equal(2000, view.Loss.Count);
        Assert.Equal(2000, view.Step);
    }

    [Fact]
    public void TrainerEventsSetStatusCurvesAndValidationPoints()
    {
        var view = new TrainingProgressView("expert spam", 6);
        view.Report(new TrainingProgress("train", 3, 6, 1, 0.6, 0.7, 512.4, TimeSpan.FromSeconds(3)));
        // The trainer's evaluation event repeats its step and its running training numbers: one point per step.
        view.Report(new TrainingProgress("validate", 3, 6, 1, 0.6, 0.7, 512.4, TimeSpan.FromSeconds(3), ValidationLoss: 0.55, ValidationAccuracy: 0.75));
        view.Report(new TrainingProgress("train", 6, 6, 2, 0.4, 0.8, 600, TimeSpan.FromSeconds(6)));
        Assert.Equal([(3, 0.6), (6, 0.4)], view.Loss);
        Assert.Equal([(3, 0.55)], view.ValidationLoss);
        Assert.Equal([(3, 0.75)], view.ValidationAccuracy);
        Assert.Equal("expert spam: train, epoch 2, step 6/6 (100%), loss 0.4, accuracy 0.8, validation loss 0.55, validation accuracy 0.75, 600 tokens/s, ETA 0s", view.ToText());
        var traces = view.Figure().ToJson()["data"]!.AsArray();
        Assert.Equal(["loss", "accuracy", "validation loss", "validation accuracy"], traces.Select(t => t!["name"]!.GetValue<string>()));
        Assert.Equal("y2", traces[3]!["yaxis"]!.GetValue<string>());
        Assert.Equal(4, HtmlDoc.Parse(view.ToHtml()).All("polyline").Count());

        // A phase that reports no loss (NaN) or speed adds no points, only its message.
        var pretrain = new TrainingProgressView("pretrain", 20);
        pretrain.Report(new TrainingProgress("tokenizer", 0, 20, 0, double.NaN, null, 0, TimeSpan.Zero, Message: "training a BPE"));
        Assert.Empty(pretrain.Loss);
        Assert.Equal("pretrain: tokenizer: training a BPE, step 0/20 (0%)", pretrain.ToText());
    }

    [Fact]
    public void AStoppedRunKeepsItsStepAndDropsTheEta()
    {
        var view = new TrainingProgressView("run", 10);
        view.Report(4, loss: 1.0, eta: TimeSpan.FromSeconds(9));
        view.Stop("interrupted");
        Assert.Null(view.Eta);
        Assert.Equal("interrupted", view.StoppedReason);
        Assert.Equal("run: step 4/10 (40%), loss 1, stopped (interrupted)", view.ToText());
        Assert.Equal("width:40%", HtmlDoc.Parse(view.ToHtml()).All("div").Single(d => d.HasClass("ttl-progress")).Elements().Single().Attribute("style")!.Value);
        Assert.Equal("TrainingProgressView 'run': validation at step 11 is outside 0..10.", Assert.Throws<TtLoraException>(() => view.ReportValidation(11, 0.5)).Message);
    }
}

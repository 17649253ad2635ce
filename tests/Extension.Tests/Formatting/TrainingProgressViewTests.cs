using TtLora.Core;
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
}

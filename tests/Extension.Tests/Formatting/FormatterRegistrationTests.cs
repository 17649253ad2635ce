using TtLora.Core.Benchmarks;
using Microsoft.DotNet.Interactive.Formatting;
using TtLora.Extension.Display;
using TtLora.Extension.Formatting;
using TtLora.Extension.Results;

namespace TtLora.Extension.Tests.Formatting;

public class FormatterRegistrationTests
{
    [Fact]
    public void ConcurrentRegistrationRegistersEachFormatterOnce()
    {
        Parallel.For(0, 16, _ => TtLoraFormatters.Register());
        TtLoraFormatters.Register();
        foreach (var type in new[]
        {
            typeof(ModelInfoResult), typeof(TokenizeResult), typeof(GenerateResult), typeof(PlotlyFigure), typeof(TrainingProgressView), typeof(Plotly.NET.GenericChart),
            typeof(RegistryResult), typeof(ExpertResult), typeof(PlanResult), typeof(PredictionResult), typeof(TaskListResult), typeof(TaskPreviewResult),
            typeof(PretrainResult), typeof(AdapterBenchmarkResult), typeof(ShowResult), typeof(Verbs.SessionDefaults),
        })
            foreach (var mime in new[] { MimeBundles.Html, MimeBundles.PlainText })
                Assert.Single(Formatter.RegisteredFormatters(false), f => f.Type == type && f.MimeType == mime);
    }

    [Fact]
    public void FiguresAndProgressFormatThroughTheRegistry()
    {
        TtLoraFormatters.Register();
        var figure = Charts.Bars(["a"], [1], "one bar");
        Assert.Equal(figure.ToText(), Formatter.ToDisplayString(figure, MimeBundles.PlainText));
        Assert.Contains("plotly.js v2.28.0", Formatter.ToDisplayString(figure, MimeBundles.Html));
        var progress = new TrainingProgressView("run", 10);
        progress.Report(3, loss: 1.5);
        Assert.Equal(progress.ToText(), Formatter.ToDisplayString(progress, MimeBundles.PlainText));
    }

    [Fact]
    public void OtherValuesKeepTheDefaultFormatting()
    {
        var bundle = MimeBundles.For(new[] { 1, 2, 3 });
        Assert.Equal([MimeBundles.Html, MimeBundles.PlainText], bundle.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("text", MimeBundles.For("text")[MimeBundles.PlainText]);
        Assert.Single(MimeBundles.For(42));
    }
}

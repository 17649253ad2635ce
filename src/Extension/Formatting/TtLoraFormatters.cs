using Microsoft.DotNet.Interactive.Formatting;
using Plotly.NET;
using TtLora.Extension.Display;
using TtLora.Extension.Results;
using TtLora.Extension.Verbs;

namespace TtLora.Extension.Formatting;

/// <summary>
/// Registers this project's <c>text/html</c> and <c>text/plain</c> formatters with
/// Microsoft.DotNet.Interactive.Formatting, so any host that formats through it shows results, charts and
/// progress the same way. <see cref="MimeBundles.For"/> calls <see cref="Register"/> itself.
/// </summary>
public static class TtLoraFormatters
{
    static readonly object Gate = new();
    static volatile bool _registered;

    /// <summary>Registers the formatters once; later and concurrent calls return without registering again.</summary>
    public static void Register()
    {
        if (_registered) return;
        lock (Gate)
        {
            if (_registered) return;
            Add<ModelInfoResult>(ModelInfoView.ToHtml, r => r.ToText());
            Add<TokenizeResult>(TokenizeView.ToHtml, r => r.ToText());
            Add<GenerateResult>(GenerateView.ToHtml, r => r.ToText());
            Add<DemoResult>(DemoView.ToHtml, r => r.ToText());
            Add<RegistryResult>(RegistryView.ToHtml, r => r.ToText());
            Add<ExpertResult>(ExpertView.ToHtml, r => r.ToText());
            Add<PlanResult>(PlanView.ToHtml, r => r.ToText());
            Add<PredictionResult>(PredictionView.ToHtml, r => r.ToText());
            Add<TaskListResult>(TaskListView.ToHtml, r => r.ToText());
            Add<TaskPreviewResult>(TaskPreviewView.ToHtml, r => r.ToText());
            Add<PretrainResult>(PretrainView.ToHtml, r => r.ToText());
            Add<AdapterBenchmarkResult>(AdapterBenchmarkView.ToHtml, r => r.ToText());
            Add<ShowResult>(ShowView.ToHtml, r => r.ToText());
            Add<SessionDefaults>(SessionDefaultsView.ToHtml, r => r.ToText());
            Add<PlotlyFigure>(f => f.ToHtml(), f => f.ToText());
            Add<TrainingProgressView>(v => v.ToHtml(), v => v.ToText());
            Add<GenericChart>(c => PlotlyFigure.FromPlotlyNet(c).ToHtml(), c => PlotlyFigure.FromPlotlyNet(c).ToText());
            _registered = true;
        }
    }

    /// <summary>
    /// The rich rendering of a value: the value itself when it is an <see cref="IRichDisplay"/>, a
    /// <see cref="PlotlyFigure"/> for a Plotly.NET chart, otherwise null.
    /// </summary>
    public static IRichDisplay? RichDisplayFor(object? value) => value switch
    {
        IRichDisplay rich => rich,
        GenericChart chart => PlotlyFigure.FromPlotlyNet(chart),
        _ => null,
    };

    static void Add<T>(Func<T, string> html, Func<T, string> text)
    {
        Formatter.Register<T>((value, writer) => writer.Write(html(value)), MimeBundles.Html);
        Formatter.Register<T>((value, writer) => writer.Write(text(value)), MimeBundles.PlainText);
    }
}

using System.Reflection;
using Microsoft.DotNet.Interactive.Formatting;
using Plotly.NET;
using TtLora.Extension.Display;

namespace TtLora.Extension.Formatting;

/// <summary>
/// Registers this project's <c>text/html</c> and <c>text/plain</c> formatters with
/// Microsoft.DotNet.Interactive.Formatting, so any host that formats through it shows results, charts and
/// progress the same way. The result formatters come from the <see cref="ICommandResult"/> contract itself: every
/// concrete result type in this assembly is registered with its own <c>ToHtml</c> and <c>ToText</c>, so there is no
/// table to forget a type in. <see cref="MimeBundles.For"/> calls <see cref="Register"/> itself.
/// </summary>
public static class TtLoraFormatters
{
    static readonly object Gate = new();
    static volatile bool _registered;

    /// <summary>Every concrete <see cref="ICommandResult"/> type this assembly defines, in name order.</summary>
    public static IReadOnlyList<Type> ResultTypes { get; } = typeof(ICommandResult).Assembly.GetTypes()
        .Where(t => typeof(ICommandResult).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
        .OrderBy(t => t.FullName, StringComparer.Ordinal).ToArray();

    /// <summary>Registers the formatters once; later and concurrent calls return without registering again.</summary>
    public static void Register()
    {
        if (_registered) return;
        lock (Gate)
        {
            if (_registered) return;
            var addResult = typeof(TtLoraFormatters).GetMethod(nameof(AddResult), BindingFlags.NonPublic | BindingFlags.Static)!;
            foreach (var type in ResultTypes) addResult.MakeGenericMethod(type).Invoke(null, null);
            Add<PlotlyFigure>(f => f.ToHtml(), f => f.ToText());
            Add<TrainingProgressView>(v => v.ToHtml(), v => v.ToText());
            Add<HtmlOutput>(o => o.ToString(), o => o.ToText());
            Add<GenericChart>(c => PlotlyFigure.FromPlotlyNet(c).ToHtml(), c => PlotlyFigure.FromPlotlyNet(c).ToText());
            _registered = true;
        }
    }

    /// <summary>
    /// The rich rendering of a value that is not a verb's result: the value itself when it is an
    /// <see cref="IRichDisplay"/>, a <see cref="PlotlyFigure"/> for a Plotly.NET chart, otherwise null.
    /// </summary>
    public static IRichDisplay? RichDisplayFor(object? value) => value switch
    {
        IRichDisplay rich => rich,
        GenericChart chart => PlotlyFigure.FromPlotlyNet(chart),
        _ => null,
    };

    static void AddResult<T>() where T : ICommandResult => Add<T>(r => r.ToHtml(), r => r.ToText());

    static void Add<T>(Func<T, string> html, Func<T, string> text)
    {
        Formatter.Register<T>((value, writer) => writer.Write(html(value)), MimeBundles.Html);
        Formatter.Register<T>((value, writer) => writer.Write(text(value)), MimeBundles.PlainText);
    }
}

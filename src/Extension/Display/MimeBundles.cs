using Microsoft.DotNet.Interactive.Formatting;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Display;

/// <summary>
/// Turns any value into a Jupyter-style mime bundle. A verb's result (<see cref="ICommandResult"/>) gives its own
/// <c>text/plain</c>, <c>text/html</c> and, when charted, <c>application/vnd.plotly.v1+json</c>; an
/// <see cref="IRichDisplay"/> (charts, live progress) adds its renderings; any other value is formatted by
/// Microsoft.DotNet.Interactive.Formatting. Plotly.NET charts display as <see cref="PlotlyFigure"/>s.
/// </summary>
public static class MimeBundles
{
    public const string PlainText = "text/plain";
    public const string Html = "text/html";
    public const string PlotlyJson = "application/vnd.plotly.v1+json";

    public static IReadOnlyDictionary<string, object> For(object? value)
    {
        TtLoraFormatters.Register();
        if (value is ICommandResult result)
        {
            var own = new Dictionary<string, object> { [PlainText] = result.ToText(), [Html] = result.ToHtml() };
            if (result.Figure is { } figure) own[PlotlyJson] = figure.ToJson();
            return own;
        }
        var bundle = new Dictionary<string, object>
        {
            [PlainText] = value switch
            {
                null => "null",
                string s => s,
                _ => Formatter.ToDisplayString(value, PlainText),
            },
        };
        TtLoraFormatters.RichDisplayFor(value)?.AddTo(bundle);
        if (!bundle.ContainsKey(Html) && value is not null and not string && !value.GetType().IsPrimitive)
            bundle[Html] = Formatter.ToDisplayString(value, Html);
        return bundle;
    }
}

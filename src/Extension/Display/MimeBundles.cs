using Microsoft.DotNet.Interactive.Formatting;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Display;

/// <summary>
/// Turns any value into a Jupyter-style mime bundle: always <c>text/plain</c>; <c>text/html</c> from the formatters
/// registered with Microsoft.DotNet.Interactive.Formatting; plus whatever an <see cref="IRichDisplay"/> adds
/// (its renderings win over the formatters'). Plotly.NET charts display as <see cref="PlotlyFigure"/>s.
/// </summary>
public static class MimeBundles
{
    public const string PlainText = "text/plain";
    public const string Html = "text/html";
    public const string PlotlyJson = "application/vnd.plotly.v1+json";

    public static IReadOnlyDictionary<string, object> For(object? value)
    {
        TtLoraFormatters.Register();
        var bundle = new Dictionary<string, object>
        {
            [PlainText] = value switch
            {
                null => "null",
                ICommandResult result => result.ToText(),
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

using Microsoft.DotNet.Interactive.Formatting;

namespace TtLora.Extension.Display;

/// <summary>
/// Turns any value into a Jupyter-style mime bundle: always <c>text/plain</c>; <c>text/html</c> from the formatters
/// registered with Microsoft.DotNet.Interactive.Formatting; plus whatever an <see cref="IRichDisplay"/> adds.
/// </summary>
public static class MimeBundles
{
    public const string PlainText = "text/plain";
    public const string Html = "text/html";
    public const string PlotlyJson = "application/vnd.plotly.v1+json";

    public static IReadOnlyDictionary<string, object> For(object? value)
    {
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
        if (value is not null and not string && !value.GetType().IsPrimitive)
            bundle[Html] = Formatter.ToDisplayString(value, Html);
        (value as IRichDisplay)?.AddTo(bundle);
        return bundle;
    }
}

using System.Reflection;
using Plotly.NET;

namespace TtLora.Extension.Formatting;

/// <summary>
/// The plotly.js library that Plotly.NET ships inside its assembly, so charts render with no network.
/// </summary>
public static class PlotlyJs
{
    static readonly Lazy<(string Name, string Version)> Resource = new(FindResource);
    static readonly Lazy<string> LibrarySource = new(ReadSource);
    static readonly Lazy<string> Loader = new(BuildLoader);

    /// <summary>The plotly.js version, e.g. <c>2.28.0</c>.</summary>
    public static string Version => Resource.Value.Version;

    /// <summary>The minified library as Plotly.NET embeds it.</summary>
    public static string Source => LibrarySource.Value;

    /// <summary>
    /// A script element that defines <c>window.Plotly</c> unless the page already has it, so a notebook full of
    /// chart outputs evaluates the library once. AMD and CommonJS names are shadowed: under RequireJS (classic
    /// notebook) the library would otherwise register an anonymous module and never set <c>window.Plotly</c>.
    /// </summary>
    public static string LoaderScript => Loader.Value;

    static (string Name, string Version) FindResource()
    {
        // Found by pattern rather than a fixed name so a Plotly.NET update that bumps plotly.js keeps working.
        const string prefix = "Plotly.NET.plotly-", suffix = ".min.js";
        var name = PlotlyAssembly.GetManifestResourceNames().FirstOrDefault(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(suffix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{PlotlyAssembly.GetName().Name} has no embedded plotly-*.min.js resource; cannot render charts offline.");
        return (name, name[prefix.Length..^suffix.Length]);
    }

    static Assembly PlotlyAssembly => typeof(GenericChart).Assembly;

    static string ReadSource()
    {
        using var stream = PlotlyAssembly.GetManifestResourceStream(Resource.Value.Name)!;
        using var reader = new StreamReader(stream);
        string source = reader.ReadToEnd();
        // The library is inlined into a script element: a closing tag inside it would end the element early.
        if (source.Contains("</script", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"{Resource.Value.Name} contains '</script' and cannot be inlined into HTML.");
        return source;
    }

    static string BuildLoader() =>
        "<script type=\"text/javascript\">(function(define,exports,module){if(typeof window.Plotly!=='undefined')return;\n"
        + Source
        + "\n}).call(window);</script>";
}

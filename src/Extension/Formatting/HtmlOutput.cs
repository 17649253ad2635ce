using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using TtLora.Extension.Display;

namespace TtLora.Extension.Formatting;

/// <summary>
/// One self-contained HTML output: fragments in order inside a root element that carries the stylesheet, plus
/// plotly.js exactly once when any chart was added (however many charts there are). In a notebook it displays itself
/// (<c>HtmlOutput.Of(table.ToHtml(), chart)</c> as a cell's value), with its visible text as <c>text/plain</c>.
/// </summary>
public sealed partial class HtmlOutput : IRichDisplay
{
    readonly List<string> _fragments = [];
    bool _hasCharts;

    /// <summary>Adds trusted HTML built by this namespace's blocks (never raw user text: use <see cref="AddText"/>).</summary>
    public HtmlOutput Add(string html)
    {
        _fragments.Add(html);
        return this;
    }

    /// <summary>Adds a heading; the text is escaped.</summary>
    public HtmlOutput AddHeading(string text) => Add($"<h4>{Html.Encode(text)}</h4>");

    /// <summary>Adds a paragraph of plain text; the text is escaped.</summary>
    public HtmlOutput AddText(string text, bool muted = false) =>
        Add(muted ? $"<div class=\"ttl-muted\">{Html.Encode(text)}</div>" : $"<div>{Html.Encode(text)}</div>");

    /// <summary>An output of several fragments built by this namespace's blocks (tables, cards, bars), shown as one.</summary>
    public static HtmlOutput Of(params string[] fragments) => fragments.Aggregate(new HtmlOutput(), (output, fragment) => output.Add(fragment));

    /// <summary>Adds an interactive chart; the page gets plotly.js from this output, so it needs no network.</summary>
    public HtmlOutput AddChart(PlotlyFigure figure)
    {
        _hasCharts = true;
        return Add(figure.ChartFragment());
    }

    /// <summary>The text a reader sees, without markup, scripts or styles (one line per block).</summary>
    public string ToText()
    {
        var lines = _fragments.Select(f => WebUtility.HtmlDecode(Tags().Replace(Blocks().Replace(Hidden().Replace(f, ""), "\n"), " ")))
            .SelectMany(f => f.Split('\n')).Select(l => Spaces().Replace(l, " ").Trim()).Where(l => l.Length > 0);
        return string.Join('\n', lines);
    }

    public void AddTo(IDictionary<string, object> bundle)
    {
        bundle[MimeBundles.PlainText] = ToText();
        bundle[MimeBundles.Html] = ToString();
    }

    [GeneratedRegex("<(script|style)\\b.*?</\\1>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Hidden();

    [GeneratedRegex("</(tr|div|h4|caption|li|table)>|<br\\s*/?>", RegexOptions.IgnoreCase)]
    private static partial Regex Blocks();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex("[ \\t]+")]
    private static partial Regex Spaces();

    public override string ToString()
    {
        var s = new StringBuilder();
        s.Append($"<div class=\"{HtmlStyles.RootClass}\"><style>").Append(HtmlStyles.Css).Append("</style>");
        if (_hasCharts) s.Append(PlotlyJs.LoaderScript);
        foreach (var fragment in _fragments) s.Append(fragment);
        s.Append("</div>");
        return s.ToString();
    }
}

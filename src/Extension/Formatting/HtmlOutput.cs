using System.Text;

namespace TtLora.Extension.Formatting;

/// <summary>
/// One self-contained HTML output: fragments in order inside a root element that carries the stylesheet, plus
/// plotly.js exactly once when any chart was added (however many charts there are).
/// </summary>
public sealed class HtmlOutput
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

    /// <summary>Adds an interactive chart; the page gets plotly.js from this output, so it needs no network.</summary>
    public HtmlOutput AddChart(PlotlyFigure figure)
    {
        _hasCharts = true;
        return Add(figure.ChartFragment());
    }

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

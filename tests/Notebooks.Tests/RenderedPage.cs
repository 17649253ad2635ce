using System.Text.RegularExpressions;

namespace TtLora.Notebooks.Tests;

/// <summary>
/// What a browser made of a converted notebook, read from the DOM it dumped: each chart container with whether
/// Plotly drew it (an <c>svg.main-svg</c> holding at least one trace group), and the tables of the HTML views.
/// The page's source is not evidence: it holds the chart JSON whether or not the chart was drawn.
/// </summary>
internal sealed partial class RenderedPage
{
    public RenderedPage(string dom)
    {
        foreach (Match chart in ChartContainer().Matches(dom))
        {
            // A container's drawing ends where its own script element starts; Plotly adds no script inside it.
            int end = dom.IndexOf("<script", chart.Index, StringComparison.Ordinal);
            string inner = dom[chart.Index..(end < 0 ? dom.Length : end)];
            Charts.Add(new Chart(chart.Groups["id"].Value,
                inner.Contains("class=\"main-svg\"", StringComparison.Ordinal),
                TraceGroup().Matches(inner).Select(m => m.Groups["kind"].Value).ToList()));
        }
        Tables = TtLoraTable().Count(dom);
        // The notice is in every chart's script source too; only as an element's text did it replace a chart.
        NotLoadedNotices = Regex.Count(dom, Regex.Escape(">plotly.js is not loaded"));
    }

    /// <summary>A chart container: its id, whether an svg.main-svg was drawn in it, and the kinds of trace groups drawn.</summary>
    public sealed record Chart(string Id, bool HasMainSvg, IReadOnlyList<string> TraceKinds)
    {
        public bool Rendered => HasMainSvg && TraceKinds.Count > 0;
    }

    public List<Chart> Charts { get; } = [];

    /// <summary>Tables built by the tt-lora HTML blocks (class <c>ttl-table</c>).</summary>
    public int Tables { get; }

    /// <summary>How many charts showed the notice that their library was missing instead of drawing.</summary>
    public int NotLoadedNotices { get; }

    [GeneratedRegex("<div id=\"(?<id>ttl-plot-[0-9a-f]+)\" class=\"ttl-plot")]
    private static partial Regex ChartContainer();

    // Plotly draws every trace as <g class="trace bars|scatter|..."> and heatmaps as an image in <g class="hm">.
    [GeneratedRegex("<g class=\"(?:trace (?<kind>[a-z]+)|(?<kind>hm))[ \"]")]
    private static partial Regex TraceGroup();

    [GeneratedRegex("<table class=\"ttl-table")]
    private static partial Regex TtLoraTable();
}

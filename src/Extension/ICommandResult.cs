using System.Text.Json.Nodes;
using TtLora.Extension.Formatting;

namespace TtLora.Extension;

/// <summary>
/// A verb's result renders itself: plain text (terminal, <c>text/plain</c>), JSON (<c>--json</c>, scripts) and HTML
/// (<c>text/html</c> in notebooks), plus the chart that is its natural view when it has one. Hosts only pick the MIME
/// type; formatter registration is derived from this contract (<see cref="TtLoraFormatters"/>), so no result can be
/// left without a view.
/// </summary>
public interface ICommandResult
{
    string ToText();
    JsonNode ToJson();

    /// <summary>A self-contained HTML fragment: its stylesheet inline, and plotly.js once when it draws charts.</summary>
    string ToHtml();

    /// <summary>
    /// The chart that is this result's natural view, sent as <c>application/vnd.plotly.v1+json</c> beside the HTML for
    /// front ends that draw Plotly themselves (the HTML draws it too); null when the result is not a chart.
    /// </summary>
    PlotlyFigure? Figure => null;
}

namespace TtLora.Extension.Formatting;

/// <summary>
/// One table cell: escaped text or trusted HTML, an optional numeric value (right-aligned; used to find the best
/// cell), a highlight and a tooltip. Strings and numbers convert implicitly, so rows read naturally.
/// </summary>
public sealed record HtmlCell
{
    /// <summary>The cell's markup, already escaped.</summary>
    public string Markup { get; init; } = "";
    /// <summary>The number the cell shows, when it shows one.</summary>
    public double? Value { get; init; }
    public Highlight Highlight { get; init; }
    /// <summary>Hover text (escaped when rendered).</summary>
    public string? Tooltip { get; init; }

    /// <summary>A text cell; the text is escaped.</summary>
    public static HtmlCell Text(string? text, Highlight highlight = Highlight.None) => new() { Markup = Html.Encode(text), Highlight = highlight };

    /// <summary>A numeric cell, shown with <paramref name="format"/> (invariant culture) or <see cref="Html.Number(double)"/>.</summary>
    public static HtmlCell Number(double value, string? format = null, Highlight highlight = Highlight.None) => new()
    {
        Markup = Html.Encode(format is null ? Html.Number(value) : value.ToString(format, System.Globalization.CultureInfo.InvariantCulture)),
        Value = value,
        Highlight = highlight,
    };

    /// <summary>A fraction shown as a percentage (<see cref="Html.Percent"/>); its value stays the fraction, so best-of comparisons work.</summary>
    public static HtmlCell Percent(double fraction, Highlight highlight = Highlight.None) => new()
    {
        Markup = Html.Encode(Html.Percent(fraction)),
        Value = fraction,
        Highlight = highlight,
    };

    /// <summary>A cell holding trusted HTML built by this namespace's blocks (e.g. a chip list).</summary>
    public static HtmlCell Raw(string html, Highlight highlight = Highlight.None) => new() { Markup = html, Highlight = highlight };

    public HtmlCell With(Highlight highlight) => this with { Highlight = highlight };

    /// <summary>The same cell with hover text.</summary>
    public HtmlCell WithTooltip(string? tooltip) => this with { Tooltip = tooltip };

    public static implicit operator HtmlCell(string? text) => Text(text);
    public static implicit operator HtmlCell(double value) => Number(value);
    public static implicit operator HtmlCell(long value) => Number(value);
    public static implicit operator HtmlCell(int value) => Number(value);
}

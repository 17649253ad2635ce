namespace TtLora.Extension.Formatting;

/// <summary>How a cell, chip or bar stands out: the best value, the chosen item, a warning, or de-emphasised.</summary>
public enum Highlight
{
    None,
    /// <summary>The best value in its group (e.g. the best expert for a task).</summary>
    Best,
    /// <summary>The item a decision picked (e.g. the expert a router chose).</summary>
    Chosen,
    Warn,
    Muted,
}

internal static class HighlightClasses
{
    /// <summary>The CSS class of a highlight, or null for none.</summary>
    public static string? ClassOf(Highlight highlight) => highlight switch
    {
        Highlight.Best => "hl-best",
        Highlight.Chosen => "hl-chosen",
        Highlight.Warn => "hl-warn",
        Highlight.Muted => "hl-muted",
        _ => null,
    };
}

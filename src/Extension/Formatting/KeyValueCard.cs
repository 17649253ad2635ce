using System.Text;

namespace TtLora.Extension.Formatting;

/// <summary>A titled card of key/value rows, e.g. a model's architecture or a run's settings.</summary>
public sealed class KeyValueCard(string title)
{
    readonly List<(string Key, HtmlCell Value)> _rows = [];

    public string Title { get; } = title;

    /// <summary>Adds a row; a string value is escaped, an <see cref="HtmlCell.Raw"/> value is kept as HTML.</summary>
    public KeyValueCard Add(string key, HtmlCell value)
    {
        _rows.Add((key, value));
        return this;
    }

    public string ToHtml()
    {
        var s = new StringBuilder("<div class=\"ttl-card\"><div class=\"ttl-card-title\">").Append(Html.Encode(Title)).Append("</div><table>");
        foreach (var (key, value) in _rows)
        {
            s.Append("<tr><th>").Append(Html.Encode(key)).Append("</th><td");
            if (HighlightClasses.ClassOf(value.Highlight) is { } hl) s.Append(" class=\"").Append(hl).Append('"');
            if (value.Tooltip is not null) s.Append(" title=\"").Append(Html.Encode(value.Tooltip)).Append('"');
            s.Append('>').Append(value.Markup).Append("</td></tr>");
        }
        return s.Append("</table></div>").ToString();
    }

    public override string ToString() => ToHtml();
}

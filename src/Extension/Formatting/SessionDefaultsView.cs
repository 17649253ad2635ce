using TtLora.Extension.Verbs;

namespace TtLora.Extension.Formatting;

/// <summary>HTML for <see cref="SessionDefaults"/>: the defaults verbs fall back to, as a card.</summary>
public static class SessionDefaultsView
{
    public static string ToHtml(SessionDefaults defaults)
    {
        var card = new KeyValueCard("session defaults")
            .Add("model", defaults.Model is null ? HtmlCell.Text("(none)", Highlight.Muted) : HtmlCell.Text(defaults.Model))
            .Add("registry", defaults.Registry is null ? HtmlCell.Text("(none)", Highlight.Muted) : HtmlCell.Text(defaults.Registry))
            .Add("device", defaults.Device);
        return new HtmlOutput().Add(card.ToHtml()).ToString();
    }
}

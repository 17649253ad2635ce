using System.Text;

namespace TtLora.Extension.Formatting;

/// <summary>
/// Shows whitespace and control characters as visible symbols (dimmed), so a token that is only a space or a
/// newline still reads: space as ·, newline as ↵, tab as →, carriage return as ␍, other controls as \uXXXX.
/// </summary>
public static class VisibleText
{
    /// <summary>HTML with each whitespace/control character replaced by a dimmed symbol; everything else escaped.</summary>
    public static string ToHtml(string text)
    {
        var s = new StringBuilder();
        var run = new StringBuilder();
        foreach (char c in text)
        {
            if (Symbol(c) is { } symbol)
            {
                s.Append(Html.Encode(run.ToString()));
                run.Clear();
                s.Append("<span class=\"ttl-ws\">").Append(Html.Encode(symbol)).Append("</span>");
            }
            else run.Append(c);
        }
        return s.Append(Html.Encode(run.ToString())).ToString();
    }

    /// <summary>The same substitution as plain text.</summary>
    public static string ToText(string text)
    {
        var s = new StringBuilder();
        foreach (char c in text) s.Append(Symbol(c) ?? c.ToString());
        return s.ToString();
    }

    static string? Symbol(char c) => c switch
    {
        ' ' => "·",
        '\n' => "↵",
        '\t' => "→",
        '\r' => "␍",
        '\u00a0' => "⍽",
        _ when char.IsControl(c) || char.IsWhiteSpace(c) => $"\\u{(int)c:x4}",
        _ => null,
    };
}

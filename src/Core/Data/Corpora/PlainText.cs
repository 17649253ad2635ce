using System.Text;
using System.Text.RegularExpressions;

namespace TtLora.Core.Data;

/// <summary>Word-level text helpers shared by the corpus readers.</summary>
public static partial class PlainText
{
    /// <summary>The words of <paramref name="text"/> (split on any whitespace).</summary>
    public static string[] Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>All whitespace runs replaced by one space, trimmed.</summary>
    public static string NormalizeWhitespace(string text) => string.Join(' ', Words(text));

    /// <summary>The first <paramref name="maxWords"/> words, joined by single spaces.</summary>
    public static string FirstWords(string text, int maxWords) => string.Join(' ', Words(text).Take(maxWords));

    /// <summary>
    /// Cuts text into consecutive passages of at most <paramref name="maxWords"/> words, ending a passage at a
    /// sentence end once it has <paramref name="minWords"/>; a final remainder shorter than that is dropped.
    /// </summary>
    public static List<string> Passages(string text, int maxWords, int minWords)
    {
        var passages = new List<string>();
        var current = new List<string>(maxWords);
        foreach (var word in Words(text))
        {
            current.Add(word);
            if (current.Count >= maxWords || (current.Count >= minWords && EndsSentence(word)))
            {
                passages.Add(string.Join(' ', current));
                current.Clear();
            }
        }
        if (current.Count >= minWords) passages.Add(string.Join(' ', current));
        return passages;
    }

    static bool EndsSentence(string word)
    {
        string trimmed = word.TrimEnd('"', '\'', ')', ']', '\u201D', '\u2019');
        return trimmed.Length > 1 && trimmed[^1] is '.' or '?' or '!' && !IsAbbreviation(trimmed);
    }

    static bool IsAbbreviation(string word) =>
        word is "Mr." or "Mrs." or "Ms." or "Dr." or "St." or "Jr." or "Sr." or "Gen." or "Gov." or "Sen." or "Rep." or "U.S." or "No."
        || (word.Length == 2 && char.IsUpper(word[0])); // initials such as "J."

    /// <summary>Removes terminal overstrike (<c>x\bx</c> bold, <c>_\bx</c> underline), keeping the visible character.</summary>
    public static string RemoveOverstrike(string text) => Overstrike().Replace(text, "");

    /// <summary>Control characters other than line breaks and tabs replaced by spaces.</summary>
    public static string RemoveControlCharacters(string text)
    {
        var clean = new StringBuilder(text.Length);
        foreach (char c in text) clean.Append(char.IsControl(c) && c is not '\n' and not '\t' and not '\r' ? ' ' : c);
        return clean.ToString();
    }

    [GeneratedRegex(".\b")]
    private static partial Regex Overstrike();
}

using System.Text.RegularExpressions;
using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>
/// The <c>pattern</c> of Split, Replace and similar components: either a literal string
/// (<c>{"String": " "}</c>) or an Oniguruma regex (<c>{"Regex": "\\s+"}</c>).
/// </summary>
public sealed class TextPattern
{
    private readonly OnigurumaRegex? _regex;

    /// <summary>Where the pattern came from (file and field), for errors; null when built in code.</summary>
    private string? _origin;

    private TextPattern(string text, OnigurumaRegex? regex)
    {
        Text = text;
        _regex = regex;
    }

    /// <summary>The literal text or the regex source.</summary>
    public string Text { get; }

    /// <summary>True for a regex pattern, false for a literal one.</summary>
    public bool IsRegex => _regex is not null;

    /// <summary>A literal pattern.</summary>
    public static TextPattern Literal(string text) => new(text, null);

    /// <summary>A regex pattern in Oniguruma syntax.</summary>
    /// <exception cref="ArgumentException">The regex cannot be translated or compiled.</exception>
    public static TextPattern Regex(string source) => new(source, new OnigurumaRegex(source));

    /// <summary>Reads <c>{"String": ...}</c> or <c>{"Regex": ...}</c>.</summary>
    internal static TextPattern FromJson(JsonElement element, TokenizerJsonReader reader, string where)
    {
        reader.Object(element, where);
        if (TokenizerJsonReader.TryGet(element, "String", out _))
            return Literal(reader.String(element, "String", where));
        if (TokenizerJsonReader.TryGet(element, "Regex", out _))
        {
            string source = reader.String(element, "Regex", where);
            try
            {
                var pattern = Regex(source);
                pattern._origin = $"{reader.FilePath}: {where}.Regex";
                return pattern;
            }
            catch (ArgumentException ex)
            {
                throw reader.Error($"{where}.Regex", $"cannot use regex \"{source}\": {ex.Message}");
            }
        }
        throw reader.Error(where, "expected a pattern object with a \"String\" or \"Regex\" field");
    }

    /// <summary>Writes <c>{"String": ...}</c> or <c>{"Regex": ...}</c>.</summary>
    internal void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString(IsRegex ? "Regex" : "String", Text);
        writer.WriteEndObject();
    }

    /// <summary>Non-overlapping matches as [start, end) offsets, left to right.</summary>
    public List<(int Start, int End)> Matches(string text)
    {
        if (_regex is not null) return RegexMatches(text);
        var result = new List<(int, int)>();
        if (Text.Length == 0) return result;
        for (int at = text.IndexOf(Text, StringComparison.Ordinal); at >= 0; at = text.IndexOf(Text, at + Text.Length, StringComparison.Ordinal))
            result.Add((at, at + Text.Length));
        return result;
    }

    List<(int Start, int End)> RegexMatches(string text)
    {
        try
        {
            return _regex!.Matches(text);
        }
        catch (RegexMatchTimeoutException)
        {
            string where = _origin ?? "tokenizer pattern";
            throw new TtLoraException($"{where}: the regex \"{Text}\" took over {OnigurumaRegex.MatchTimeout.TotalSeconds:0} s on a {text.Length:N0}-character text " +
                "(it backtracks catastrophically); fix the pattern in the tokenizer file");
        }
    }

    /// <summary>Replaces every match with <paramref name="content"/>.</summary>
    public string ReplaceAll(string text, string content)
    {
        if (_regex is null)
            return Text.Length == 0 ? text : text.Replace(Text, content, StringComparison.Ordinal);
        var matches = RegexMatches(text);
        if (matches.Count == 0) return text;
        var builder = new System.Text.StringBuilder(text.Length);
        int previous = 0;
        foreach (var (start, end) in matches)
        {
            builder.Append(text, previous, start - previous).Append(content);
            previous = end;
        }
        return builder.Append(text, previous, text.Length - previous).ToString();
    }
}

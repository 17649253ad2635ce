using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace TtLora.Core.Tokenizers;

/// <summary>
/// A regular expression written for Oniguruma (the engine Hugging Face tokenizers compile
/// tokenizer.json patterns with), run on .NET with the same matches.
/// <para>Two differences are bridged. Syntax: possessive quantifiers (<c>?+ *+ ++</c>) become
/// atomic groups, <c>X{n}+</c> / <c>X{n}?</c> keep Oniguruma's "repeat the repeat" meaning,
/// <c>{,n}</c>, <c>\x{..}</c>, <c>\h</c>, <c>\w</c> and line anchors are rewritten. Matching unit:
/// .NET classes see UTF-16 code units, so a character outside the BMP (a surrogate pair) would
/// not be <c>\p{L}</c>; such characters are replaced, for matching only, by one BMP stand-in of
/// the same general category, and match positions are mapped back.</para>
/// </summary>
public sealed class OnigurumaRegex
{
    private static readonly char[] StandInByCategory = BuildStandIns();
    private readonly Regex _regex;

    /// <summary>Compiles <paramref name="pattern"/> (Oniguruma syntax).</summary>
    /// <exception cref="ArgumentException">The pattern uses syntax that cannot be translated.</exception>
    public OnigurumaRegex(string pattern)
    {
        Pattern = pattern;
        DotNetPattern = Translate(pattern);
        _regex = new Regex(DotNetPattern, RegexOptions.CultureInvariant | RegexOptions.Compiled, MatchTimeout);
    }

    /// <summary>
    /// Longest one match may take. Tokenizer patterns match in microseconds; a pattern that backtracks
    /// catastrophically (<c>(a+)+$</c>) would otherwise hang every command that tokenizes.
    /// </summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The pattern as written in tokenizer.json.</summary>
    public string Pattern { get; }

    /// <summary>The equivalent .NET pattern.</summary>
    public string DotNetPattern { get; }

    /// <summary>All non-overlapping matches, as [start, end) UTF-16 offsets into <paramref name="text"/>.</summary>
    public List<(int Start, int End)> Matches(string text)
    {
        var result = new List<(int, int)>();
        if (!ContainsSurrogatePair(text))
        {
            for (var m = _regex.Match(text); m.Success; m = m.NextMatch())
                result.Add((m.Index, m.Index + m.Length));
            return result;
        }

        // One char per code point; offsets[k] is where shadow char k starts in the original.
        var shadow = new char[text.Length];
        var offsets = new int[text.Length + 1];
        int n = 0;
        for (int i = 0; i < text.Length; i++, n++)
        {
            offsets[n] = i;
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                var category = CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(text[i], text[i + 1]));
                shadow[n] = StandInByCategory[(int)category];
                i++;
            }
            else
            {
                shadow[n] = text[i];
            }
        }
        offsets[n] = text.Length;
        string shadowText = new(shadow, 0, n);
        for (var m = _regex.Match(shadowText); m.Success; m = m.NextMatch())
            result.Add((offsets[m.Index], offsets[m.Index + m.Length]));
        return result;
    }

    private static bool ContainsSurrogatePair(string text)
    {
        foreach (char c in text)
            if (char.IsSurrogate(c)) return true;
        return false;
    }

    /// <summary>
    /// For every general category, a BMP character of that category that is neither whitespace
    /// nor ASCII, so it matches exactly the classes the replaced character would.
    /// </summary>
    private static char[] BuildStandIns()
    {
        var standIns = new char[32];
        Array.Fill(standIns, '\uFFFD');
        var found = new bool[32];
        for (int c = 0xFFFD; c >= 0x80; c--)
        {
            if (c is >= 0xD800 and <= 0xDFFF) continue;
            char ch = (char)c;
            if (char.IsWhiteSpace(ch)) continue;
            int category = (int)CharUnicodeInfo.GetUnicodeCategory(ch);
            if (found[category]) continue;
            found[category] = true;
            standIns[category] = ch;
        }
        return standIns;
    }

    /// <summary>Rewrites an Oniguruma (Ruby syntax) pattern into an equivalent .NET pattern.</summary>
    /// <exception cref="ArgumentException">The pattern uses syntax that has no .NET equivalent here.</exception>
    public static string Translate(string pattern)
    {
        var output = new StringBuilder(pattern.Length + 16);
        var groupStarts = new Stack<int>();
        int atomStart = -1; // where the last quantifiable item starts in output, or -1
        int i = 0;
        while (i < pattern.Length)
        {
            char c = pattern[i];
            switch (c)
            {
                case '\\':
                    atomStart = output.Length;
                    i = TranslateEscape(pattern, i, output, inClass: false);
                    break;
                case '[':
                    atomStart = output.Length;
                    i = TranslateClass(pattern, i, output);
                    break;
                case '(':
                    groupStarts.Push(output.Length);
                    i = CopyGroupOpening(pattern, i, output, out bool optionsOnly);
                    if (optionsOnly) groupStarts.Pop(); // "(?i)" sets options and closes at once
                    atomStart = -1;
                    break;
                case ')':
                    if (groupStarts.Count == 0) throw new ArgumentException("unbalanced ')'");
                    output.Append(')');
                    atomStart = groupStarts.Pop();
                    i++;
                    break;
                case '*' or '+' or '?':
                    if (atomStart < 0) throw new ArgumentException($"quantifier '{c}' at offset {i} follows nothing");
                    output.Append(c);
                    i++;
                    i = ApplyQuantifierSuffix(pattern, i, output, atomStart, exactCount: false);
                    atomStart = -1;
                    break;
                case '{':
                    if (atomStart >= 0 && TryReadInterval(pattern, i, out string interval, out bool exact, out int end))
                    {
                        output.Append(interval);
                        i = ApplyQuantifierSuffix(pattern, end, output, atomStart, exact, interval: true);
                        atomStart = -1;
                    }
                    else
                    {
                        atomStart = output.Length;
                        output.Append("\\{");
                        i++;
                    }
                    break;
                case '^':
                    output.Append("(?m:^)");
                    atomStart = -1;
                    i++;
                    break;
                case '$':
                    output.Append("(?m:$)");
                    atomStart = -1;
                    i++;
                    break;
                case '|':
                    output.Append('|');
                    atomStart = -1;
                    i++;
                    break;
                default:
                    if (char.IsSurrogate(c))
                        throw new ArgumentException("characters outside the Basic Multilingual Plane are not supported in patterns");
                    atomStart = output.Length;
                    output.Append(c);
                    i++;
                    break;
            }
        }
        if (groupStarts.Count > 0) throw new ArgumentException("unbalanced '('");
        return output.ToString();
    }

    /// <summary>
    /// Handles what may follow a quantifier: '+' (possessive after ?, *, +; a repeated repeat after
    /// an interval) and '?' (lazy, except after an exact {n}, where it makes the repeat optional).
    /// </summary>
    private static int ApplyQuantifierSuffix(string pattern, int i, StringBuilder output, int atomStart, bool exactCount, bool interval = false)
    {
        if (i >= pattern.Length) return i;
        char next = pattern[i];
        if (next == '+')
        {
            string quantified = output.ToString(atomStart, output.Length - atomStart);
            output.Length = atomStart;
            output.Append(interval ? $"(?:{quantified})+" : $"(?>{quantified})");
            return i + 1;
        }
        if (next == '?')
        {
            if (interval && exactCount)
            {
                string quantified = output.ToString(atomStart, output.Length - atomStart);
                output.Length = atomStart;
                output.Append($"(?:{quantified})?");
            }
            else
            {
                output.Append('?');
            }
            return i + 1;
        }
        return i;
    }

    private static bool TryReadInterval(string pattern, int i, out string interval, out bool exact, out int end)
    {
        interval = "";
        exact = false;
        end = pattern.IndexOf('}', i);
        if (end < 0) return false;
        string body = pattern[(i + 1)..end];
        end++;
        var match = Regex.Match(body, @"^(\d*)(,(\d*))?$");
        if (!match.Success || (match.Groups[1].Length == 0 && match.Groups[3].Length == 0)) return false;
        string min = match.Groups[1].Length == 0 ? "0" : match.Groups[1].Value;
        exact = !match.Groups[2].Success;
        interval = exact ? $"{{{min}}}" : $"{{{min},{match.Groups[3].Value}}}";
        return true;
    }

    private static int CopyGroupOpening(string pattern, int i, StringBuilder output, out bool optionsOnly)
    {
        optionsOnly = false;
        output.Append('(');
        i++;
        if (i >= pattern.Length || pattern[i] != '?') return i;
        // "(?" + one of ":", "=", "!", ">", "<=", "<!", "<name>", "'name'", or option letters.
        int start = i;
        i++;
        if (i >= pattern.Length) throw new ArgumentException("pattern ends inside a group opening");
        char kind = pattern[i];
        if (kind is ':' or '=' or '!' or '>')
        {
            output.Append(pattern, start, i + 1 - start);
            return i + 1;
        }
        if (kind == '<' && i + 1 < pattern.Length && pattern[i + 1] is '=' or '!')
        {
            output.Append(pattern, start, i + 2 - start);
            return i + 2;
        }
        if (kind is '<' or '\'')
        {
            char close = kind == '<' ? '>' : '\'';
            int end = pattern.IndexOf(close, i + 1);
            if (end < 0) throw new ArgumentException("unterminated group name");
            output.Append("?<").Append(pattern, i + 1, end - i - 1).Append('>');
            return end + 1;
        }
        // Options such as (?i:...), (?i-m) or (?x). Oniguruma's 'm' is .NET's 's' (dot matches newline).
        int j = i;
        var options = new StringBuilder();
        while (j < pattern.Length && pattern[j] is 'i' or 'm' or 'x' or '-')
        {
            options.Append(pattern[j] == 'm' ? 's' : pattern[j]);
            j++;
        }
        if (options.Length == 0 || j >= pattern.Length || pattern[j] is not (':' or ')'))
            throw new ArgumentException($"unsupported group syntax at offset {start - 1}");
        output.Append('?').Append(options).Append(pattern[j]);
        optionsOnly = pattern[j] == ')';
        return j + 1;
    }

    /// <summary>Copies a character class "[...]", translating escapes inside it.</summary>
    private static int TranslateClass(string pattern, int i, StringBuilder output)
    {
        output.Append('[');
        i++;
        if (i < pattern.Length && pattern[i] == '^') { output.Append('^'); i++; }
        if (i < pattern.Length && pattern[i] == ']') { output.Append("\\]"); i++; }
        while (i < pattern.Length)
        {
            char c = pattern[i];
            if (c == ']') { output.Append(']'); return i + 1; }
            if (c == '\\') { i = TranslateEscape(pattern, i, output, inClass: true); continue; }
            if (c == '[') throw new ArgumentException("nested character classes are not supported");
            if (c == '&' && i + 1 < pattern.Length && pattern[i + 1] == '&')
                throw new ArgumentException("character class intersection (&&) is not supported");
            if (char.IsSurrogate(c))
                throw new ArgumentException("characters outside the Basic Multilingual Plane are not supported in patterns");
            output.Append(c);
            i++;
        }
        throw new ArgumentException("unterminated character class");
    }

    // \d, \s and \p{..} categories mean the same in both engines (Unicode Nd, White_Space, general
    // categories) and are copied. \w differs (.NET omits some marks), so it is spelled out; \W inside
    // a class and \b keep .NET's slightly narrower word set.
    private static int TranslateEscape(string pattern, int i, StringBuilder output, bool inClass)
    {
        if (i + 1 >= pattern.Length) throw new ArgumentException("pattern ends with a lone backslash");
        char e = pattern[i + 1];
        const string WordClass = @"\p{L}\p{Nl}\p{M}\p{Nd}\p{Pc}";
        switch (e)
        {
            case 'x' when i + 2 < pattern.Length && pattern[i + 2] == '{':
            {
                int end = pattern.IndexOf('}', i + 3);
                if (end < 0 || !int.TryParse(pattern.AsSpan(i + 3, end - i - 3), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int codePoint))
                    throw new ArgumentException($"bad \\x{{...}} escape at offset {i}");
                if (codePoint > 0xFFFF)
                    throw new ArgumentException("characters outside the Basic Multilingual Plane are not supported in patterns");
                output.Append($"\\u{codePoint:X4}");
                return end + 1;
            }
            case 'p' or 'P' when i + 2 < pattern.Length && pattern[i + 2] == '{':
            {
                int end = pattern.IndexOf('}', i + 3);
                if (end < 0) throw new ArgumentException($"unterminated \\{e}{{...}} at offset {i}");
                output.Append(pattern, i, end + 1 - i);
                return end + 1;
            }
            case 'w':
                output.Append(inClass ? WordClass : $"[{WordClass}]");
                return i + 2;
            case 'W' when !inClass:
                output.Append($"[^{WordClass}]");
                return i + 2;
            case 'h':
                output.Append(inClass ? "0-9A-Fa-f" : "[0-9A-Fa-f]");
                return i + 2;
            case 'H' when !inClass:
                output.Append("[^0-9A-Fa-f]");
                return i + 2;
            default:
                if (char.IsSurrogate(e))
                    throw new ArgumentException("characters outside the Basic Multilingual Plane are not supported in patterns");
                output.Append('\\').Append(e);
                return i + 2;
        }
    }
}

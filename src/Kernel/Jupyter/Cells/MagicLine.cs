using System.Text;
using TtLora.Core;

namespace TtLora.Kernel.Jupyter.Cells;

/// <summary>
/// A <c>#!tt-lora VERB [options]</c> line: the notebook spelling of <c>ttlora VERB [options]</c>. Arguments split
/// on whitespace; single quotes keep text literally and double quotes allow <c>\"</c> and <c>\\</c>, as in a shell.
/// Outside single quotes, <c>{name}</c> (a C# identifier in braces) stands for the value of the script variable
/// <c>name</c> (and <c>{name.Property}</c> for a property of it), which becomes part of one argument however many spaces it holds; <c>{{</c> and <c>}}</c> are
/// literal braces, and braces around anything but an identifier stay as written.
/// </summary>
internal static class MagicLine
{
    public const string Prefix = "#!tt-lora";

    public static bool Is(string line)
    {
        var text = line.AsSpan().TrimStart();
        return text.StartsWith(Prefix, StringComparison.Ordinal) && (text.Length == Prefix.Length || char.IsWhiteSpace(text[Prefix.Length]));
    }

    /// <summary>The text after the prefix (the line must satisfy <see cref="Is"/>).</summary>
    public static string Rest(string line) => line.TrimStart()[Prefix.Length..];

    /// <summary>The arguments of a magic line, as a shell would pass them.</summary>
    /// <param name="variable">The text of a <c>{name}</c> reference; null leaves references as written.</param>
    public static IReadOnlyList<string> Arguments(string line, Func<string, string>? variable = null) =>
        Split(Rest(line), strict: true, variable);

    /// <summary>
    /// Splits text into arguments. Strict mode rejects an unterminated quote; lenient mode (for completion while typing)
    /// closes it at the end. With <paramref name="variable"/>, <c>{name}</c> references outside single quotes are
    /// replaced by what it returns for the name, and <c>{{</c>/<c>}}</c> by single braces.
    /// </summary>
    public static List<string> Split(string text, bool strict, Func<string, string>? variable = null)
    {
        var args = new List<string>();
        var current = new StringBuilder();
        bool inArgument = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c))
            {
                if (inArgument) args.Add(current.ToString());
                current.Clear();
                inArgument = false;
                continue;
            }
            inArgument = true;
            if (c is '\'' or '"')
            {
                int close = i + 1;
                while (close < text.Length && text[close] != c)
                {
                    if (c == '"' && text[close] == '\\' && close + 1 < text.Length && text[close + 1] is '"' or '\\')
                    {
                        current.Append(text[close + 1]);
                        close += 2;
                        continue;
                    }
                    if (c == '"' && variable is not null && TryInterpolate(text, close, variable, current, out int next))
                    {
                        close = next;
                        continue;
                    }
                    current.Append(text[close]);
                    close++;
                }
                if (close >= text.Length && strict)
                    throw new TtLoraException($"{Prefix}: unterminated {c} quote in \"{text.Trim()}\"");
                i = close;
                continue;
            }
            if (variable is not null && TryInterpolate(text, i, variable, current, out int after))
            {
                i = after - 1;
                continue;
            }
            current.Append(c);
        }
        if (inArgument) args.Add(current.ToString());
        return args;
    }

    // At text[at]: a doubled brace appends one brace, {identifier} appends the variable's text; anything else is
    // left to the caller. `end` is the index after what was consumed.
    static bool TryInterpolate(string text, int at, Func<string, string> variable, StringBuilder current, out int end)
    {
        end = at;
        char c = text[at];
        if (c is not ('{' or '}')) return false;
        if (at + 1 < text.Length && text[at + 1] == c)
        {
            current.Append(c);
            end = at + 2;
            return true;
        }
        if (c == '}') return false;
        int close = text.IndexOf('}', at + 1);
        if (close < 0 || !IsIdentifier(text.AsSpan(at + 1, close - at - 1))) return false;
        current.Append(variable(text[(at + 1)..close]));
        end = close + 1;
        return true;
    }

    // A C# identifier, or a dotted path of them (a variable's property: setup.BaseModel).
    static bool IsIdentifier(ReadOnlySpan<char> name)
    {
        foreach (var part in name.ToString().Split('.'))
        {
            if (part.Length == 0 || !(char.IsLetter(part[0]) || part[0] == '_')) return false;
            foreach (char c in part.AsSpan(1))
                if (!(char.IsLetterOrDigit(c) || c == '_')) return false;
        }
        return true;
    }
}

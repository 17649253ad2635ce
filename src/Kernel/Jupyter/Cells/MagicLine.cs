using System.Text;
using TtLora.Core;

namespace TtLora.Kernel.Jupyter.Cells;

/// <summary>
/// A <c>#!tt-lora VERB [options]</c> line: the notebook spelling of <c>ttlora VERB [options]</c>. Arguments split
/// on whitespace; single quotes keep text literally and double quotes allow <c>\"</c> and <c>\\</c>, as in a shell.
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
    public static IReadOnlyList<string> Arguments(string line) => Split(Rest(line), strict: true);

    /// <summary>
    /// Splits text into arguments. Strict mode rejects an unterminated quote; lenient mode (for completion while typing)
    /// closes it at the end.
    /// </summary>
    public static List<string> Split(string text, bool strict)
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
                    current.Append(text[close]);
                    close++;
                }
                if (close >= text.Length && strict)
                    throw new TtLoraException($"{Prefix}: unterminated {c} quote in \"{text.Trim()}\"");
                i = close;
                continue;
            }
            current.Append(c);
        }
        if (inArgument) args.Add(current.ToString());
        return args;
    }
}

using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace TtLora.Extension;

/// <summary>
/// Turns the parser's errors into lines a person reads: an option value names the kind it expected in words
/// (<c>--rank expects a whole number, got 'abc'</c>), an unknown verb is named in the headline with the nearest verb
/// suggested, and every message is one line. The terminal and notebook cells print these same lines.
/// </summary>
public static class UsageMessages
{
    public static IReadOnlyList<string> Describe(ParseResult parsed)
    {
        var lines = new List<string>();
        var command = parsed.CommandResult.Command;
        var unknown = parsed.UnmatchedTokens.FirstOrDefault(t => !t.StartsWith('-'));
        bool unknownVerb = unknown is not null && command.Subcommands.Count > 0;
        if (unknownVerb)
            lines.Add(UnknownVerb(command, unknown!));
        foreach (var error in parsed.Errors)
        {
            // The parser's own follow-ups to an unknown verb say nothing the headline does not.
            if (unknownVerb && (error.SymbolResult is CommandResult || error.SymbolResult is null)) continue;
            string line = OptionValue(error) ?? OneLine(error.Message);
            if (!lines.Contains(line)) lines.Add(line);
        }
        return lines;
    }

    static string UnknownVerb(Command command, string token)
    {
        string where = command is RootCommand ? "verb" : $"'{command.Name}' verb";
        var names = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToArray();
        string? nearest = names.Select(n => (Name: n, Distance: EditDistance(token.ToLowerInvariant(), n)))
            .Where(p => p.Distance <= Math.Max(2, p.Name.Length / 3)).OrderBy(p => p.Distance).Select(p => p.Name).FirstOrDefault();
        return $"unknown {where} '{token}'" + (nearest is not null ? $"; did you mean '{nearest}'?" : $"; the verbs are {string.Join(", ", names)}");
    }

    /// <summary>A value the option's type cannot hold, described by the kind it expected; null for other errors.</summary>
    static string? OptionValue(ParseError error)
    {
        var (option, tokens) = error.SymbolResult switch
        {
            OptionResult o => (o.Option, o.Tokens),
            ArgumentResult { Parent: OptionResult o } a => (o.Option, a.Tokens),
            _ => (null, (IReadOnlyList<Token>)[]),
        };
        if (option is null) return null;
        var type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
        string? kind = KindOf(type);
        if (kind is null)
        {
            // A value outside the accepted ones: the parser lists them one per line after the first.
            var choices = error.Message.Replace("\r\n", "\n").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var given = tokens.Select(t => t.Value).LastOrDefault();
            if (choices.Length < 2 || given is null) return null;
            return $"{option.Name} expects one of {string.Join(", ", choices.Skip(1).Select(c => c.Trim('\'')))}, got '{given}'";
        }
        var bad = tokens.Select(t => t.Value).FirstOrDefault(v => !Parses(type, v));
        return bad is null ? null : $"{option.Name} expects {kind}, got '{bad}'";
    }

    static string? KindOf(Type type) =>
        type == typeof(int) || type == typeof(long) ? "a whole number"
        : type == typeof(double) || type == typeof(float) ? "a number"
        : type == typeof(bool) ? "true or false"
        : null;

    static bool Parses(Type type, string value) =>
        type == typeof(int) ? int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
        : type == typeof(long) ? long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
        : type == typeof(double) ? double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
        : type == typeof(float) ? float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
        : type != typeof(bool) || bool.TryParse(value, out _);

    // "Argument 'tpu' not recognized. Must be one of:\n\t'auto'\n\t'cpu'" reads better as one line.
    static string OneLine(string message)
    {
        var parts = message.Replace("\r\n", "\n").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length <= 1) return message.Trim();
        return parts[0].TrimEnd(':') + " " + string.Join(", ", parts.Skip(1));
    }

    static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }
}

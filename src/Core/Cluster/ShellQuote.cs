namespace TtLora.Core.Cluster;

/// <summary>Quotes words for a POSIX shell script so that every character reaches the program unchanged.</summary>
public static class ShellQuote
{
    /// <summary>The word as is when it holds only safe characters, else single-quoted (a quote becomes <c>'\''</c>).</summary>
    public static string Word(string word)
    {
        if (word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=,:@%+".Contains(c))) return word;
        return "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    public static string Words(IEnumerable<string> words) => string.Join(' ', words.Select(Word));
}

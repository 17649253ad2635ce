namespace TtLora.Core.Tokenizers;

/// <summary>What a splitting pre-tokenizer does with the matched delimiters (tokenizer.json <c>behavior</c>).</summary>
public enum SplitDelimiterBehavior
{
    /// <summary>Drop the delimiters.</summary>
    Removed,
    /// <summary>Keep each delimiter as its own piece.</summary>
    Isolated,
    /// <summary>Attach each delimiter to the piece before it.</summary>
    MergedWithPrevious,
    /// <summary>Attach each delimiter to the piece after it.</summary>
    MergedWithNext,
    /// <summary>Keep runs of consecutive delimiters together as one piece.</summary>
    Contiguous,
}

/// <summary>Cuts a string at pattern matches following a <see cref="SplitDelimiterBehavior"/>.</summary>
internal static class DelimiterSplitter
{
    /// <summary>The JSON names of the behaviors.</summary>
    public static readonly string[] Names = Enum.GetNames<SplitDelimiterBehavior>();

    /// <summary>Every single character satisfying <paramref name="predicate"/>, as [start, end) ranges.</summary>
    public static List<(int Start, int End)> CharacterMatches(string text, Func<System.Text.Rune, bool> predicate)
    {
        var matches = new List<(int, int)>();
        int i = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (predicate(rune)) matches.Add((i, i + rune.Utf16SequenceLength));
            i += rune.Utf16SequenceLength;
        }
        return matches;
    }

    /// <summary>
    /// Splits <paramref name="text"/> given its matches (or, with <paramref name="invert"/>, given the
    /// stretches between them), returning non-empty [start, end) pieces.
    /// </summary>
    public static List<(int Start, int End)> Split(string text, List<(int Start, int End)> matches, SplitDelimiterBehavior behavior, bool invert)
    {
        // Alternate the string into (range, isDelimiter) stretches, as Hugging Face's Pattern does.
        var stretches = new List<(int Start, int End, bool IsMatch)>(matches.Count * 2 + 1);
        int previous = 0;
        foreach (var (start, end) in matches)
        {
            if (previous != start) stretches.Add((previous, start, invert));
            stretches.Add((start, end, !invert));
            previous = end;
        }
        if (previous != text.Length || text.Length == 0) stretches.Add((previous, text.Length, invert));

        var pieces = new List<(int Start, int End)>(stretches.Count);
        switch (behavior)
        {
            case SplitDelimiterBehavior.Isolated:
                foreach (var s in stretches) pieces.Add((s.Start, s.End));
                break;
            case SplitDelimiterBehavior.Removed:
                foreach (var s in stretches) if (!s.IsMatch) pieces.Add((s.Start, s.End));
                break;
            case SplitDelimiterBehavior.Contiguous:
            {
                bool previousMatch = false;
                foreach (var s in stretches)
                {
                    if (s.IsMatch == previousMatch && pieces.Count > 0) pieces[^1] = (pieces[^1].Start, s.End);
                    else pieces.Add((s.Start, s.End));
                    previousMatch = s.IsMatch;
                }
                break;
            }
            case SplitDelimiterBehavior.MergedWithPrevious:
            {
                bool previousMatch = false;
                foreach (var s in stretches)
                {
                    if (s.IsMatch && !previousMatch && pieces.Count > 0) pieces[^1] = (pieces[^1].Start, s.End);
                    else pieces.Add((s.Start, s.End));
                    previousMatch = s.IsMatch;
                }
                break;
            }
            case SplitDelimiterBehavior.MergedWithNext:
            {
                bool previousMatch = false;
                for (int k = stretches.Count - 1; k >= 0; k--)
                {
                    var s = stretches[k];
                    if (s.IsMatch && !previousMatch && pieces.Count > 0) pieces[^1] = (s.Start, pieces[^1].End);
                    else pieces.Add((s.Start, s.End));
                    previousMatch = s.IsMatch;
                }
                pieces.Reverse();
                break;
            }
        }
        pieces.RemoveAll(p => p.End <= p.Start);
        return pieces;
    }
}

namespace TtLora.Core.Tokenizers;

/// <summary>
/// Finds added tokens in text the way Hugging Face does: leftmost match first, longest on ties,
/// non-overlapping; then applies each token's single_word / lstrip / rstrip options.
/// </summary>
internal sealed class AddedTokenMatcher
{
    /// <summary>A stretch of the text: either an added token or plain text (<see cref="Token"/> null).</summary>
    public readonly record struct Segment(int Start, int End, AddedToken? Token);

    private sealed class Node
    {
        public Dictionary<char, Node>? Children;
        public AddedToken? Token;
    }

    private readonly Node _root = new();

    /// <summary>Builds a matcher; each token is matched by the string <paramref name="patternOf"/> gives for it.</summary>
    public AddedTokenMatcher(IEnumerable<AddedToken> tokens, Func<AddedToken, string> patternOf)
    {
        foreach (var token in tokens)
        {
            string pattern = patternOf(token);
            if (pattern.Length == 0) continue;
            var node = _root;
            foreach (char c in pattern)
            {
                node.Children ??= [];
                if (!node.Children.TryGetValue(c, out var child)) node.Children[c] = child = new Node();
                node = child;
            }
            node.Token ??= token;
        }
    }

    /// <summary>True when there is nothing to match.</summary>
    public bool IsEmpty => _root.Children is null;

    /// <summary>Splits <paramref name="text"/> into added-token and plain segments, dropping empty plain ones.</summary>
    public List<Segment> Split(string text)
    {
        var segments = new List<Segment>();
        int consumed = 0; // end of the last emitted segment
        int searchFrom = 0;
        while (!IsEmpty && TryFindLeftmostLongest(text, searchFrom, out int start, out int end, out var token))
        {
            searchFrom = end;
            if (token.SingleWord)
            {
                bool spaceBefore = start == 0 || !UnicodeText.EndsWithWordCharacter(text.AsSpan(0, start));
                bool spaceAfter = end == text.Length || !UnicodeText.StartsWithWordCharacter(text.AsSpan(end));
                if (!spaceBefore || !spaceAfter) continue;
            }
            if (token.LStrip)
            {
                int newStart = start;
                while (newStart > 0 && char.IsWhiteSpace(text[newStart - 1])) newStart--;
                start = Math.Max(newStart, consumed);
            }
            if (token.RStrip)
            {
                while (end < text.Length && char.IsWhiteSpace(text[end])) end++;
                searchFrom = end;
            }
            if (consumed < start) segments.Add(new Segment(consumed, start, null));
            segments.Add(new Segment(start, end, token));
            consumed = end;
        }
        if (consumed < text.Length) segments.Add(new Segment(consumed, text.Length, null));
        return segments;
    }

    private bool TryFindLeftmostLongest(string text, int from, out int start, out int end, out AddedToken token)
    {
        var firstLevel = _root.Children!;
        for (int i = from; i < text.Length; i++)
        {
            if (!firstLevel.TryGetValue(text[i], out var node)) continue;
            AddedToken? best = null;
            int bestEnd = -1;
            for (int j = i + 1; ; j++)
            {
                if (node.Token is not null) { best = node.Token; bestEnd = j; }
                if (j >= text.Length || node.Children is null || !node.Children.TryGetValue(text[j], out node!)) break;
            }
            if (best is not null)
            {
                start = i;
                end = bestEnd;
                token = best;
                return true;
            }
        }
        start = end = 0;
        token = null!;
        return false;
    }
}

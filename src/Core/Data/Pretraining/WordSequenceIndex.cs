namespace TtLora.Core.Data;

/// <summary>
/// Finds whether a text contains any of a set of word sequences (compared word by word after splitting on
/// whitespace). Sequences are indexed by a hash of their first few words, so a document is scanned once, in time
/// linear in its length, and candidates are then compared in full.
/// </summary>
sealed class WordSequenceIndex
{
    const int PrefixWords = 8;
    readonly List<string[]> _sequences = [];
    readonly Dictionary<ulong, List<int>> _byPrefix = [];
    readonly SortedSet<int> _prefixLengths = [];

    public WordSequenceIndex(IEnumerable<string> texts)
    {
        foreach (var text in texts)
        {
            var words = PlainText.Words(text);
            if (words.Length == 0) continue;
            int k = Math.Min(PrefixWords, words.Length);
            ulong key = Key(words, 0, k);
            if (!_byPrefix.TryGetValue(key, out var list)) _byPrefix[key] = list = [];
            list.Add(_sequences.Count);
            _sequences.Add(words);
            _prefixLengths.Add(k);
        }
    }

    public int Count => _sequences.Count;

    /// <summary>The first indexed sequence that occurs in <paramref name="text"/>, or null.</summary>
    public string? FirstContainedIn(string text)
    {
        if (_sequences.Count == 0) return null;
        var words = PlainText.Words(text);
        var hashes = words.Select(WordHash).ToArray();
        int longest = _prefixLengths.Max;
        for (int start = 0; start < words.Length; start++)
        {
            ulong key = Seed;
            for (int k = 1; k <= longest && start + k <= words.Length; k++)
            {
                key = Combine(key, hashes[start + k - 1]);
                if (!_prefixLengths.Contains(k) || !_byPrefix.TryGetValue(Finish(key, k), out var candidates)) continue;
                foreach (int candidate in candidates)
                    if (Matches(_sequences[candidate], words, start)) return string.Join(' ', _sequences[candidate]);
            }
        }
        return null;
    }

    static bool Matches(string[] sequence, string[] words, int start)
    {
        if (start + sequence.Length > words.Length) return false;
        for (int i = 0; i < sequence.Length; i++)
            if (!string.Equals(sequence[i], words[start + i], StringComparison.Ordinal)) return false;
        return true;
    }

    const ulong Seed = 14695981039346656037UL;

    static ulong Key(string[] words, int start, int count)
    {
        ulong key = Seed;
        for (int i = 0; i < count; i++) key = Combine(key, WordHash(words[start + i]));
        return Finish(key, count);
    }

    static ulong Combine(ulong key, ulong word) => (key ^ word) * 1099511628211UL + 0x9E3779B97F4A7C15UL;

    static ulong Finish(ulong key, int count) => key ^ ((ulong)count << 56);

    static ulong WordHash(string word)
    {
        ulong hash = Seed;
        foreach (char c in word) hash = (hash ^ c) * 1099511628211UL;
        return hash;
    }
}

namespace TtLora.Core.Data;

/// <summary>
/// How examples are cut from a document. The model's input is short (about 128 tokens), so every example is
/// bounded to <see cref="MaxWords"/> words: either the document's opening words (one example per document) or
/// consecutive sentence-aligned passages, of which at most <see cref="MaxPerDocument"/> evenly spaced ones are
/// kept so long documents do not dominate.
/// </summary>
public sealed record PassagePolicy(bool Windows, int MaxWords, int MinWords, int MaxPerDocument)
{
    /// <summary>One example per document: its first 96 words; documents under 3 words are skipped.</summary>
    public static readonly PassagePolicy Leading = new(false, 96, 3, 1);

    /// <summary>Passages of 48-96 words ending at sentence ends, at most <paramref name="maxPerDocument"/> per document.</summary>
    public static PassagePolicy Passages(int maxPerDocument) => new(true, 96, 48, maxPerDocument);

    /// <summary>The example texts cut from <paramref name="text"/>, whitespace-normalised.</summary>
    public IReadOnlyList<string> Cut(string text)
    {
        if (!Windows)
        {
            var words = PlainText.Words(text);
            return words.Length < MinWords ? [] : [string.Join(' ', words.Take(MaxWords))];
        }
        var passages = PlainText.Passages(text, MaxWords, MinWords);
        if (passages.Count <= MaxPerDocument) return passages;
        return Enumerable.Range(0, MaxPerDocument).Select(i => passages[(int)((long)i * passages.Count / MaxPerDocument)]).ToArray();
    }
}

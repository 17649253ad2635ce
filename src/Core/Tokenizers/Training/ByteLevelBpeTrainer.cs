
namespace TtLora.Core.Tokenizers;

/// <summary>
/// Trains a byte-level BPE tokenizer in the Llama-3 / GPT-2 style: text is split by the Llama-3 regex, mapped to
/// the 256-symbol byte alphabet, and the most frequent adjacent pair is merged until the vocabulary is full.
/// Pair counts are updated incrementally (only words containing the merged pair are touched), so a few thousand
/// merges over tens of megabytes take seconds. Ties break on the pair's strings, so training is deterministic.
/// </summary>
public sealed class ByteLevelBpeTrainer
{
    /// <summary>The pre-tokenizer regex Llama-3 ships in its tokenizer.json.</summary>
    public const string Llama3Pattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    public const string BosToken = "<|begin_of_text|>";
    public const string EosToken = "<|end_of_text|>";
    public const string PadToken = "<|pad|>";

    private readonly int vocabSize;
    private readonly int minFrequency;
    private readonly IPreTokenizer preTokenizer;
    private readonly Dictionary<string, long> wordCounts = new(StringComparer.Ordinal);

    /// <param name="vocabSize">Total size including the 256 byte symbols and the special tokens.</param>
    /// <param name="minFrequency">Pairs seen fewer times are never merged.</param>
    public ByteLevelBpeTrainer(int vocabSize, int minFrequency = 2)
    {
        if (vocabSize < 256 + SpecialTokens.Length + 1)
            throw new TtLoraException($"--vocab-size must be at least {256 + SpecialTokens.Length + 1} (256 bytes + special tokens + one merge), got {vocabSize}");
        this.vocabSize = vocabSize;
        this.minFrequency = Math.Max(1, minFrequency);
        preTokenizer = CreatePreTokenizer();
    }

    static readonly string[] SpecialTokens = [BosToken, EosToken, PadToken];

    /// <summary>The pre-tokenizer the trained tokenizer uses: Llama-3's regex split, then the byte-level mapping.</summary>
    public static IPreTokenizer CreatePreTokenizer() => new SequencePreTokenizer(
    [
        new SplitPreTokenizer(TextPattern.Regex(Llama3Pattern), SplitDelimiterBehavior.Isolated),
        new ByteLevelPreTokenizer(addPrefixSpace: false, trimOffsets: true, useRegex: false),
    ]);

    /// <summary>Counts the words of one document.</summary>
    public void Add(string text)
    {
        var pieces = new List<PreToken>();
        preTokenizer.PreTokenize(new PreToken(text, true), pieces);
        foreach (var piece in pieces)
            wordCounts[piece.Text] = wordCounts.GetValueOrDefault(piece.Text) + 1;
    }

    /// <summary>Runs the merges and returns the tokenizer (BOS added by its post-processor, as Llama-3's does).</summary>
    public HfTokenizer Train()
    {
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (char c in ByteLevelAlphabet.Characters) vocab[c.ToString()] = vocab.Count;

        // Each distinct word is a list of symbol ids with its count.
        var symbols = new List<string>(vocab.Keys);
        var words = wordCounts.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (Symbols: kv.Key.Select(c => vocab[c.ToString()]).ToList(), Count: kv.Value)).ToArray();

        var pairCounts = new Dictionary<(int, int), long>();
        var pairWords = new Dictionary<(int, int), HashSet<int>>();
        for (int w = 0; w < words.Length; w++) AddPairs(w, words[w].Symbols, words[w].Count, pairCounts, pairWords);

        var merges = new List<(string, string)>();
        int budget = vocabSize - SpecialTokens.Length;
        var queue = new PriorityQueue<(int A, int B), (long NegCount, string Left, string Right)>(
            Comparer<(long, string, string)>.Create((x, y) =>
            {
                int c = x.Item1.CompareTo(y.Item1);
                if (c != 0) return c;
                c = string.CompareOrdinal(x.Item2, y.Item2);
                return c != 0 ? c : string.CompareOrdinal(x.Item3, y.Item3);
            }));
        foreach (var (pair, count) in pairCounts) queue.Enqueue(pair, (-count, symbols[pair.Item1], symbols[pair.Item2]));

        while (vocab.Count < budget && queue.TryDequeue(out var best, out var priority))
        {
            long current = pairCounts.GetValueOrDefault(best);
            if (current != -priority.NegCount) continue; // stale entry; the fresh one is queued
            if (current < minFrequency) break;
            string merged = symbols[best.A] + symbols[best.B];
            merges.Add((symbols[best.A], symbols[best.B]));
            if (!vocab.TryGetValue(merged, out int newId))
            {
                newId = symbols.Count;
                symbols.Add(merged);
                vocab[merged] = newId;
            }
            var touched = new HashSet<(int, int)>();
            foreach (int w in pairWords[best].ToArray())
            {
                var (seq, count) = words[w];
                RemovePairs(w, seq, count, pairCounts, pairWords, touched);
                for (int i = 0; i < seq.Count - 1; i++)
                {
                    if (seq[i] == best.A && seq[i + 1] == best.B)
                    {
                        seq[i] = newId;
                        seq.RemoveAt(i + 1);
                    }
                }
                AddPairs(w, seq, count, pairCounts, pairWords, touched);
            }
            foreach (var pair in touched)
                if (pairCounts.TryGetValue(pair, out long c) && c > 0)
                    queue.Enqueue(pair, (-c, symbols[pair.Item1], symbols[pair.Item2]));
        }

        var added = new List<AddedToken>();
        foreach (var special in SpecialTokens)
        {
            int id = vocab.Count + added.Count;
            added.Add(new AddedToken(id, special, Special: true));
        }
        var model = new BpeModel(vocab, merges, ignoreMerges: true);
        int bos = added[0].Id;
        return new HfTokenizer(model, added, normalizer: null, preTokenizer: CreatePreTokenizer(),
            postProcessor: TemplateProcessing.BosOnly(BosToken, bos),
            decoder: new ByteLevelDecoder(addPrefixSpace: true, trimOffsets: true, useRegex: true));
    }

    static void AddPairs(int word, List<int> seq, long count, Dictionary<(int, int), long> counts,
        Dictionary<(int, int), HashSet<int>> where, HashSet<(int, int)>? touched = null)
    {
        for (int i = 0; i < seq.Count - 1; i++)
        {
            var pair = (seq[i], seq[i + 1]);
            counts[pair] = counts.GetValueOrDefault(pair) + count;
            if (!where.TryGetValue(pair, out var set)) where[pair] = set = [];
            set.Add(word);
            touched?.Add(pair);
        }
    }

    static void RemovePairs(int word, List<int> seq, long count, Dictionary<(int, int), long> counts,
        Dictionary<(int, int), HashSet<int>> where, HashSet<(int, int)> touched)
    {
        for (int i = 0; i < seq.Count - 1; i++)
        {
            var pair = (seq[i], seq[i + 1]);
            counts[pair] -= count;
            where[pair].Remove(word);
            touched.Add(pair);
        }
    }
}

using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>
/// A byte-pair-encoding model as in tokenizer.json (<c>"type": "BPE"</c>): a vocabulary plus
/// ranked merges. A word starts as one symbol per character; the lowest-ranked adjacent pair
/// (leftmost on ties) is merged until no pair has a merge. Characters missing from the
/// vocabulary become byte tokens (<c>&lt;0xHH&gt;</c>, with byte fallback) or the unknown token.
/// </summary>
public sealed class BpeModel
{
    // Words longer than this are not cached (as in Hugging Face) and the cache is bounded.
    private const int MaxCachedWordLength = 256;
    private const int MaxCacheEntries = 100_000;

    private readonly Dictionary<string, int> _vocab;
    private readonly string?[] _idToToken;
    private readonly Dictionary<long, (int Rank, int NewId)> _merges;
    private readonly int[] _byteTokenIds;
    private readonly int? _unkId;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);

    /// <summary>Creates a model from its vocabulary and merges.</summary>
    /// <param name="vocab">Token string to id.</param>
    /// <param name="merges">Merges in rank order (first = applied first).</param>
    /// <param name="unkToken">Token for characters that cannot be encoded otherwise.</param>
    /// <param name="byteFallback">Encode unknown characters as their UTF-8 byte tokens <c>&lt;0xHH&gt;</c>.</param>
    /// <param name="fuseUnk">Merge consecutive unknown characters into one unknown token.</param>
    /// <param name="ignoreMerges">A word that is itself in the vocabulary is emitted whole.</param>
    /// <param name="continuingSubwordPrefix">Prefix of non-initial subwords (e.g. "##").</param>
    /// <param name="endOfWordSuffix">Suffix of word-final subwords (e.g. "&lt;/w&gt;").</param>
    /// <exception cref="ArgumentException">A merge refers to a token missing from the vocabulary.</exception>
    public BpeModel(
        IReadOnlyDictionary<string, int> vocab,
        IReadOnlyList<(string Left, string Right)> merges,
        string? unkToken = null,
        bool byteFallback = false,
        bool fuseUnk = false,
        bool ignoreMerges = false,
        string? continuingSubwordPrefix = null,
        string? endOfWordSuffix = null)
    {
        _vocab = new Dictionary<string, int>(vocab, StringComparer.Ordinal);
        Merges = merges;
        UnkToken = unkToken;
        ByteFallback = byteFallback;
        FuseUnk = fuseUnk;
        IgnoreMerges = ignoreMerges;
        ContinuingSubwordPrefix = continuingSubwordPrefix;
        EndOfWordSuffix = endOfWordSuffix;

        int maxId = -1;
        foreach (int id in _vocab.Values)
        {
            if (id < 0) throw new ArgumentException($"negative id {id} in the vocabulary");
            // Ids index a table; a stray huge id would allocate gigabytes for one entry.
            if (id > MaxTokenId) throw new ArgumentException($"id {id} in the vocabulary is above {MaxTokenId:N0}");
            maxId = Math.Max(maxId, id);
        }
        _idToToken = new string?[maxId + 1];
        foreach (var (token, id) in _vocab) _idToToken[id] = token;

        if (unkToken is not null)
        {
            if (!_vocab.TryGetValue(unkToken, out int unkId))
                throw new ArgumentException($"unk_token '{unkToken}' is not in the vocabulary");
            _unkId = unkId;
        }

        _byteTokenIds = new int[256];
        for (int b = 0; b < 256; b++)
            _byteTokenIds[b] = _vocab.TryGetValue($"<0x{b:X2}>", out int id) ? id : -1;

        _merges = new Dictionary<long, (int, int)>(merges.Count);
        int prefixLength = continuingSubwordPrefix?.Length ?? 0;
        for (int rank = 0; rank < merges.Count; rank++)
        {
            var (left, right) = merges[rank];
            int leftId = Lookup(left, rank);
            int rightId = Lookup(right, rank);
            if (prefixLength > 0 && !right.StartsWith(continuingSubwordPrefix!, StringComparison.Ordinal))
                throw new ArgumentException($"merge {rank} (\"{left}\" \"{right}\"): right side lacks the continuing_subword_prefix");
            int newId = Lookup(left + right[prefixLength..], rank);
            // A pair listed twice keeps its last rank, as in Hugging Face.
            _merges[PairKey(leftId, rightId)] = (rank, newId);
        }

        int Lookup(string token, int rank) => _vocab.TryGetValue(token, out int id)
            ? id
            : throw new ArgumentException($"merge {rank} uses \"{token}\", which is not in the vocabulary");
    }

    /// <summary>The merges in rank order.</summary>
    public IReadOnlyList<(string Left, string Right)> Merges { get; }

    /// <summary>The unknown token, if any.</summary>
    public string? UnkToken { get; }

    /// <summary>Whether unknown characters become byte tokens.</summary>
    public bool ByteFallback { get; }

    /// <summary>Whether consecutive unknown characters share one unknown token.</summary>
    public bool FuseUnk { get; }

    /// <summary>Whether whole-word vocabulary hits skip merging.</summary>
    public bool IgnoreMerges { get; }

    /// <summary>Prefix of non-initial subwords, if any.</summary>
    public string? ContinuingSubwordPrefix { get; }

    /// <summary>Suffix of word-final subwords, if any.</summary>
    public string? EndOfWordSuffix { get; }

    /// <summary>The vocabulary (token to id).</summary>
    public IReadOnlyDictionary<string, int> Vocab => _vocab;

    /// <summary>Number of vocabulary entries.</summary>
    public int VocabSize => _vocab.Count;

    /// <summary>The largest token id accepted in a vocabulary (far above any published tokenizer's).</summary>
    public const int MaxTokenId = (1 << 22) - 1;

    /// <summary>The largest id in the vocabulary (-1 when it is empty).</summary>
    public int HighestId => _idToToken.Length - 1;

    /// <summary>The id of <paramref name="token"/>, or null.</summary>
    public int? TokenToId(string token) => _vocab.TryGetValue(token, out int id) ? id : null;

    /// <summary>The token with <paramref name="id"/>, or null.</summary>
    public string? IdToToken(int id) => id >= 0 && id < _idToToken.Length ? _idToToken[id] : null;

    /// <summary>Encodes one pre-tokenized word, appending its ids to <paramref name="output"/>.</summary>
    public void Encode(string word, List<int> output)
    {
        if (word.Length == 0) return;
        if (IgnoreMerges && _vocab.TryGetValue(word, out int wholeId))
        {
            output.Add(wholeId);
            return;
        }
        if (_cache.TryGetValue(word, out var cached))
        {
            output.AddRange(cached);
            return;
        }
        int[] ids = MergeWord(word);
        if (word.Length < MaxCachedWordLength)
        {
            if (_cache.Count >= MaxCacheEntries) _cache.Clear();
            _cache.TryAdd(word, ids);
        }
        output.AddRange(ids);
    }

    private int[] MergeWord(string word)
    {
        var symbols = InitialSymbols(word);
        int n = symbols.Count;
        if (n < 2) return symbols.ToArray();

        // Symbols form a linked list over the initial positions; a merge keeps the left slot.
        var id = symbols.ToArray();
        var previous = new int[n];
        var next = new int[n];
        var alive = new bool[n];
        for (int i = 0; i < n; i++)
        {
            previous[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
            alive[i] = true;
        }

        // Priority: rank, then position (leftmost first). Entries go stale when a neighbour changes;
        // a stale entry no longer matches the pair now at its position and is skipped.
        var queue = new PriorityQueue<(int Position, int NewId), long>();
        for (int i = 0; i + 1 < n; i++) TryEnqueue(i);

        while (queue.TryDequeue(out var top, out _))
        {
            int pos = top.Position;
            if (!alive[pos] || next[pos] < 0) continue;
            int right = next[pos];
            if (!_merges.TryGetValue(PairKey(id[pos], id[right]), out var merge) || merge.NewId != top.NewId) continue;

            id[pos] = merge.NewId;
            alive[right] = false;
            next[pos] = next[right];
            if (next[pos] >= 0) previous[next[pos]] = pos;
            if (previous[pos] >= 0) TryEnqueue(previous[pos]);
            if (next[pos] >= 0) TryEnqueue(pos);
        }

        var result = new List<int>(n);
        for (int i = 0; i >= 0; i = next[i]) result.Add(id[i]);
        return result.ToArray();

        void TryEnqueue(int left)
        {
            if (_merges.TryGetValue(PairKey(id[left], id[next[left]]), out var m))
                queue.Enqueue((left, m.NewId), ((long)m.Rank << 32) | (uint)left);
        }
    }

    /// <summary>One symbol per character, with byte fallback and unknown-token handling.</summary>
    private List<int> InitialSymbols(string word)
    {
        var symbols = new List<int>(word.Length);
        int? pendingUnk = null; // an unknown run not yet emitted (Hugging Face emits it lazily)
        int offset = 0;
        Span<byte> utf8 = stackalloc byte[4];
        while (offset < word.Length)
        {
            int length = char.IsHighSurrogate(word[offset]) && offset + 1 < word.Length && char.IsLowSurrogate(word[offset + 1]) ? 2 : 1;
            bool isFirst = offset == 0;
            bool isLast = offset + length == word.Length;
            string symbol = word.Substring(offset, length);
            offset += length;
            if (!isFirst && ContinuingSubwordPrefix is not null) symbol = ContinuingSubwordPrefix + symbol;
            if (isLast && EndOfWordSuffix is not null) symbol += EndOfWordSuffix;

            if (_vocab.TryGetValue(symbol, out int symbolId))
            {
                if (pendingUnk is int unk) { symbols.Add(unk); pendingUnk = null; }
                symbols.Add(symbolId);
                continue;
            }
            if (ByteFallback && TryAddByteTokens(symbol, symbols)) continue;
            if (_unkId is int unkId)
            {
                if (pendingUnk is int previousUnk && !FuseUnk) symbols.Add(previousUnk);
                pendingUnk = unkId;
            }
        }
        if (pendingUnk is int last) symbols.Add(last);
        return symbols;
    }

    private bool TryAddByteTokens(string symbol, List<int> symbols)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(symbol);
        foreach (byte b in bytes)
            if (_byteTokenIds[b] < 0) return false;
        foreach (byte b in bytes) symbols.Add(_byteTokenIds[b]);
        return true;
    }

    private static long PairKey(int left, int right) => ((long)left << 32) | (uint)right;

    /// <summary>Writes the <c>model</c> object of tokenizer.json.</summary>
    /// <param name="writer">The target.</param>
    /// <param name="mergesAsPairs">Write merges as ["a","b"] arrays (current format) instead of "a b" strings.</param>
    public void WriteJson(Utf8JsonWriter writer, bool mergesAsPairs = true)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "BPE");
        writer.WriteNull("dropout");
        WriteOptionalString(writer, "unk_token", UnkToken);
        WriteOptionalString(writer, "continuing_subword_prefix", ContinuingSubwordPrefix);
        WriteOptionalString(writer, "end_of_word_suffix", EndOfWordSuffix);
        writer.WriteBoolean("fuse_unk", FuseUnk);
        writer.WriteBoolean("byte_fallback", ByteFallback);
        writer.WriteBoolean("ignore_merges", IgnoreMerges);
        writer.WriteStartObject("vocab");
        foreach (var (token, id) in _vocab.OrderBy(entry => entry.Value)) writer.WriteNumber(token, id);
        writer.WriteEndObject();
        writer.WriteStartArray("merges");
        foreach (var (left, right) in Merges)
        {
            if (mergesAsPairs)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(left);
                writer.WriteStringValue(right);
                writer.WriteEndArray();
            }
            else
            {
                writer.WriteStringValue($"{left} {right}");
            }
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteOptionalString(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null) writer.WriteNull(name);
        else writer.WriteString(name, value);
    }

    /// <summary>Reads the <c>model</c> object; <paramref name="mergesAsPairs"/> tells which merge format the file used.</summary>
    internal static BpeModel FromJson(JsonElement element, TokenizerJsonReader reader, string where, out bool mergesAsPairs)
    {
        string type = TokenizerJsonReader.TryGet(element, "type", out _) ? reader.Type(element, where) : "BPE";
        if (type != "BPE")
            throw reader.Unsupported(where, "model", type, ["BPE"]);
        if (TokenizerJsonReader.TryGet(element, "dropout", out var dropout) && !(dropout.ValueKind == JsonValueKind.Number && dropout.GetDouble() == 0))
            throw reader.Error($"{where}.dropout", $"BPE dropout is not supported (found {dropout.GetRawText()}); set it to null");

        var vocabElement = reader.Required(element, "vocab", where);
        reader.Object(vocabElement, $"{where}.vocab");
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in vocabElement.EnumerateObject())
            vocab[entry.Name] = reader.NonNegativeInt(entry.Value, $"{where}.vocab[\"{entry.Name}\"]");

        var merges = new List<(string, string)>();
        mergesAsPairs = true;
        if (TokenizerJsonReader.TryGet(element, "merges", out _))
        {
            int index = 0;
            foreach (var merge in reader.Array(element, "merges", where).EnumerateArray())
            {
                string at = $"{where}.merges[{index++}]";
                if (merge.ValueKind == JsonValueKind.String)
                {
                    mergesAsPairs = false;
                    string text = merge.GetString()!;
                    int space = text.IndexOf(' ');
                    if (space < 0 || text.IndexOf(' ', space + 1) >= 0)
                        throw reader.Error(at, $"expected \"left right\" with exactly one space, found \"{text}\"");
                    merges.Add((text[..space], text[(space + 1)..]));
                }
                else if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2
                    && merge[0].ValueKind == JsonValueKind.String && merge[1].ValueKind == JsonValueKind.String)
                {
                    merges.Add((merge[0].GetString()!, merge[1].GetString()!));
                }
                else
                {
                    throw reader.Error(at, $"expected a \"left right\" string or a [\"left\", \"right\"] pair, found {TokenizerJsonReader.Describe(merge)}");
                }
            }
        }

        try
        {
            return new BpeModel(
                vocab,
                merges,
                reader.OptionalString(element, "unk_token", where),
                reader.Bool(element, "byte_fallback", where, false),
                reader.Bool(element, "fuse_unk", where, false),
                reader.Bool(element, "ignore_merges", where, false),
                reader.OptionalString(element, "continuing_subword_prefix", where),
                reader.OptionalString(element, "end_of_word_suffix", where));
        }
        catch (ArgumentException ex)
        {
            throw reader.Error(where, ex.Message);
        }
    }
}

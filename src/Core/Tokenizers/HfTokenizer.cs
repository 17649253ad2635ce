using System.Text.Encodings.Web;
using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>
/// A Hugging Face <c>tokenizer.json</c> tokenizer (BPE model: byte-level as in Llama-3/GPT-2, or
/// SentencePiece-style with byte fallback as in Llama-2), giving the same ids as Hugging Face's
/// own implementation. The pipeline: added tokens are cut out of the raw text, the rest is
/// normalized, pre-tokenized into words and encoded by the model, then the post-processor adds
/// special tokens. Truncation and padding settings are kept for saving but not applied.
/// </summary>
public sealed class HfTokenizer
{
    private readonly AddedToken[] _addedTokens;
    private readonly Dictionary<int, AddedToken> _addedById = [];
    private readonly Dictionary<string, AddedToken> _addedByContent = new(StringComparer.Ordinal);
    private readonly HashSet<string> _specialContents = new(StringComparer.Ordinal);
    private readonly AddedTokenMatcher _rawMatcher;
    private readonly AddedTokenMatcher _normalizedMatcher;
    private JsonElement? _truncation;
    private JsonElement? _padding;
    private bool _mergesAsPairs = true;
    private SpecialTokenNames _configuredSpecialTokens;

    /// <summary>Assembles a tokenizer from its components (for example after training a model).</summary>
    /// <param name="model">The BPE model.</param>
    /// <param name="addedTokens">Tokens matched in the raw text before the model runs.</param>
    /// <param name="normalizer">Optional normalizer.</param>
    /// <param name="preTokenizer">Optional pre-tokenizer (without one, each text segment is one word).</param>
    /// <param name="postProcessor">Optional post-processor (adds BOS and the like).</param>
    /// <param name="decoder">Optional decoder (without one, tokens are joined with spaces).</param>
    public HfTokenizer(
        BpeModel model,
        IEnumerable<AddedToken>? addedTokens = null,
        INormalizer? normalizer = null,
        IPreTokenizer? preTokenizer = null,
        IPostProcessor? postProcessor = null,
        IDecoder? decoder = null)
    {
        Model = model;
        Normalizer = normalizer;
        PreTokenizer = preTokenizer;
        PostProcessor = postProcessor;
        Decoder = decoder;
        _addedTokens = (addedTokens ?? []).ToArray();
        foreach (var token in _addedTokens)
        {
            _addedById[token.Id] = token;
            _addedByContent[token.Content] = token;
            if (token.Special) _specialContents.Add(token.Content);
        }
        _rawMatcher = new AddedTokenMatcher(_addedTokens.Where(t => !t.Normalized), t => t.Content);
        _normalizedMatcher = new AddedTokenMatcher(_addedTokens.Where(t => t.Normalized),
            t => normalizer is null ? t.Content : normalizer.Normalize(t.Content));
    }

    /// <summary>The model.</summary>
    public BpeModel Model { get; }

    /// <summary>The normalizer, if any.</summary>
    public INormalizer? Normalizer { get; }

    /// <summary>The pre-tokenizer, if any.</summary>
    public IPreTokenizer? PreTokenizer { get; }

    /// <summary>The post-processor, if any.</summary>
    public IPostProcessor? PostProcessor { get; }

    /// <summary>The decoder, if any.</summary>
    public IDecoder? Decoder { get; }

    /// <summary>The added tokens, in file order.</summary>
    public IReadOnlyList<AddedToken> AddedTokens => _addedTokens;

    /// <summary>Vocabulary size including added tokens that are not already model tokens.</summary>
    public int VocabSize => Model.VocabSize + _addedTokens.Count(t => Model.TokenToId(t.Content) is null);

    /// <summary>The file this tokenizer was read from, when it was read from one.</summary>
    public string? SourcePath { get; private set; }

    /// <summary>The largest id this tokenizer can produce (model vocabulary or added tokens).</summary>
    public int HighestId => Math.Max(Model.HighestId, _addedTokens.Length > 0 ? _addedTokens.Max(t => t.Id) : -1);

    /// <summary>
    /// Throws when this tokenizer can produce ids outside a model's embedding table of <paramref name="vocabSize"/> rows,
    /// naming both files: the model would fail on the first such token, deep inside libtorch.
    /// </summary>
    public HfTokenizer EnsureFits(int vocabSize, string modelDir)
    {
        if (HighestId >= vocabSize)
            throw TtLoraException.InFile(SourcePath ?? modelDir, $"has token ids up to {HighestId}, but the model's config.json " +
                $"({Path.Combine(modelDir, "config.json")}) has vocab_size {vocabSize}: the tokenizer does not belong to this model");
        return this;
    }

    /// <summary>
    /// Beginning-of-sequence id: from a tokenizer_config.json next to the file, else the special token
    /// the post-processor puts first, else a well-known added token (&lt;s&gt;, &lt;|begin_of_text|&gt;...).
    /// </summary>
    public int? BosId => ResolveSpecial(_configuredSpecialTokens.Bos, PostProcessor?.SpecialTokensAround.Before.FirstOrDefault(-1),
        "<s>", "<|begin_of_text|>", "<bos>", "<|startoftext|>", "[CLS]");

    /// <summary>End-of-sequence id, found like <see cref="BosId"/> (&lt;/s&gt;, &lt;|end_of_text|&gt;, &lt;eos&gt;...).</summary>
    public int? EosId => ResolveSpecial(_configuredSpecialTokens.Eos, PostProcessor?.SpecialTokensAround.After.LastOrDefault(-1),
        "</s>", "<|end_of_text|>", "<eos>", "<|endoftext|>", "[SEP]");

    /// <summary>The unknown-token id (the model's unk_token), if any.</summary>
    public int? UnkId => _configuredSpecialTokens.Unk is { } unk && TokenToId(unk) is int configured
        ? configured
        : Model.UnkToken is null ? null : TokenToId(Model.UnkToken);

    private int? ResolveSpecial(string? configured, int? fromPostProcessor, params string[] wellKnown)
    {
        if (configured is not null && TokenToId(configured) is int id) return id;
        if (fromPostProcessor is int fromTemplate && fromTemplate >= 0) return fromTemplate;
        foreach (string name in wellKnown)
            if (_addedByContent.TryGetValue(name, out var token)) return token.Id;
        return null;
    }

    /// <summary>The id of a token string (added tokens first, then the model vocabulary), or null.</summary>
    public int? TokenToId(string token) =>
        _addedByContent.TryGetValue(token, out var added) ? added.Id : Model.TokenToId(token);

    /// <summary>The token string of an id, or null when the id is unknown.</summary>
    public string? IdToToken(int id) =>
        _addedById.TryGetValue(id, out var added) ? added.Content : Model.IdToToken(id);

    /// <summary>
    /// The first <paramref name="maxTokens"/> ids of <see cref="Encode"/>, without tokenizing all of a huge text: a
    /// prefix cut at whitespace is tokenized, and grown until it yields comfortably more tokens than needed, so a
    /// 50 MB row costs what its first tokens cost. Cutting between words leaves every earlier word's tokens as the
    /// whole text gives them; the margin keeps end-of-text special tokens out of the result.
    /// </summary>
    public int[] EncodeFirst(string text, int maxTokens)
    {
        const int Margin = 8;
        for (long chars = Math.Max(4096L, 16L * maxTokens); ; chars *= 4)
        {
            if (chars >= text.Length) return Encode(text).Ids.Take(maxTokens).ToArray();
            int cut = PrefixEnd(text, (int)chars);
            var ids = Encode(text[..cut]).Ids;
            if (ids.Count >= maxTokens + Margin) return ids.Take(maxTokens).ToArray();
        }
    }

    // The last whitespace in the second half of the first `chars` characters, else `chars` (never inside a surrogate pair).
    static int PrefixEnd(string text, int chars)
    {
        for (int i = chars; i > chars / 2; i--)
            if (char.IsWhiteSpace(text[i])) return i;
        return char.IsLowSurrogate(text[chars]) ? chars - 1 : chars;
    }

    /// <summary>Encodes <paramref name="text"/>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="addSpecialTokens">Let the post-processor add special tokens (BOS for Llama).</param>
    public TokenizerEncoding Encode(string text, bool addSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        var words = new List<PreToken>();
        foreach (var segment in _rawMatcher.Split(text))
        {
            if (segment.Token is not null)
            {
                ids.Add(segment.Token.Id);
                continue;
            }
            string piece = text[segment.Start..segment.End];
            bool atTextStart = segment.Start == 0;
            if (Normalizer is not null) piece = Normalizer.Normalize(piece);
            if (piece.Length == 0) continue;
            foreach (var sub in _normalizedMatcher.Split(piece))
            {
                if (sub.Token is not null)
                {
                    ids.Add(sub.Token.Id);
                    continue;
                }
                var preToken = new PreToken(piece[sub.Start..sub.End], atTextStart && sub.Start == 0);
                words.Clear();
                if (PreTokenizer is null) words.Add(preToken);
                else PreTokenizer.PreTokenize(preToken, words);
                foreach (var word in words) Model.Encode(word.Text, ids);
            }
        }
        if (PostProcessor is not null) ids = PostProcessor.Process(ids, addSpecialTokens);
        var tokens = new string[ids.Count];
        for (int i = 0; i < ids.Count; i++) tokens[i] = IdToToken(ids[i]) ?? "";
        return new TokenizerEncoding(ids.ToArray(), tokens);
    }

    /// <summary>
    /// Decodes ids back to text. Unknown ids are skipped, as Hugging Face does.
    /// </summary>
    /// <param name="ids">Token ids.</param>
    /// <param name="skipSpecialTokens">Leave out special added tokens such as BOS/EOS.</param>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var tokens = new List<string>();
        foreach (int id in ids)
        {
            string? token = IdToToken(id);
            if (token is null) continue;
            if (skipSpecialTokens && _specialContents.Contains(token)) continue;
            tokens.Add(token);
        }
        return Decoder is null ? string.Join(" ", tokens) : string.Concat(Decoder.DecodeChain(tokens));
    }

    /// <summary>
    /// Loads <paramref name="tokenizerJsonPath"/>. Special-token names are also read from a
    /// tokenizer_config.json in the same folder when there is one.
    /// </summary>
    /// <exception cref="TtLoraException">Missing file, invalid JSON, or an unsupported component.</exception>
    public static HfTokenizer FromFile(string tokenizerJsonPath)
    {
        ArgumentNullException.ThrowIfNull(tokenizerJsonPath);
        if (Directory.Exists(tokenizerJsonPath))
            throw TtLoraException.InFile(tokenizerJsonPath, "is a directory; expected a tokenizer.json file (use FromPath for a model folder)");
        if (!File.Exists(tokenizerJsonPath))
            throw TtLoraException.InFile(tokenizerJsonPath, "tokenizer file not found");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(tokenizerJsonPath), new JsonDocumentOptions { MaxDepth = 256, AllowDuplicateProperties = false });
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw TtLoraException.InFile(tokenizerJsonPath, $"not valid JSON: {ex.Message}");
        }
        catch (IOException ex)
        {
            throw TtLoraException.InFile(tokenizerJsonPath, $"cannot read: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            throw TtLoraException.InFile(tokenizerJsonPath, $"cannot read: {ex.Message}");
        }

        using (document)
        {
            HfTokenizer tokenizer;
            try
            {
                tokenizer = FromJson(document.RootElement, new TokenizerJsonReader(tokenizerJsonPath));
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
            {
                // Text the JSON parser accepts but cannot turn into a string (invalid UTF-8, a lone surrogate escape).
                throw TtLoraException.InFile(tokenizerJsonPath, $"a field holds text that cannot be read ({e.Message})");
            }
            tokenizer.SourcePath = tokenizerJsonPath;
            string? folder = Path.GetDirectoryName(Path.GetFullPath(tokenizerJsonPath));
            if (folder is not null)
                tokenizer._configuredSpecialTokens = SpecialTokenNames.FromConfigFile(Path.Combine(folder, "tokenizer_config.json"));
            return tokenizer;
        }
    }

    /// <summary>The tokenizer.json of a model folder, checked against the model's vocab_size.</summary>
    public static HfTokenizer ForModel(string modelDir) =>
        FromPath(modelDir).EnsureFits(Models.LlamaConfig.Load(Path.Combine(modelDir, "config.json")).VocabSize, modelDir);

    /// <summary>Loads a tokenizer.json file, or the tokenizer.json inside a model folder.</summary>
    /// <exception cref="TtLoraException">Nothing loadable at <paramref name="fileOrModelDir"/>.</exception>
    public static HfTokenizer FromPath(string fileOrModelDir)
    {
        ArgumentNullException.ThrowIfNull(fileOrModelDir);
        if (!Directory.Exists(fileOrModelDir)) return FromFile(fileOrModelDir);
        string file = Path.Combine(fileOrModelDir, "tokenizer.json");
        if (!File.Exists(file))
            throw TtLoraException.InFile(fileOrModelDir, "model folder has no tokenizer.json");
        return FromFile(file);
    }

    private static HfTokenizer FromJson(JsonElement root, TokenizerJsonReader reader)
    {
        reader.Object(root, "(root)");
        var model = BpeModel.FromJson(reader.Required(root, "model", "(root)"), reader, "model", out bool mergesAsPairs);
        var normalizer = TokenizerJsonReader.TryGet(root, "normalizer", out var n) ? NormalizerJson.Read(n, reader, "normalizer") : null;
        var preTokenizer = TokenizerJsonReader.TryGet(root, "pre_tokenizer", out var p) ? PreTokenizerJson.Read(p, reader, "pre_tokenizer") : null;
        var postProcessor = TokenizerJsonReader.TryGet(root, "post_processor", out var pp) ? PostProcessorJson.Read(pp, reader, "post_processor") : null;
        var decoder = TokenizerJsonReader.TryGet(root, "decoder", out var d) ? DecoderJson.Read(d, reader, "decoder") : null;

        var added = new List<AddedToken>();
        if (TokenizerJsonReader.TryGet(root, "added_tokens", out _))
        {
            int index = 0;
            foreach (var item in reader.Array(root, "added_tokens", "(root)").EnumerateArray())
            {
                string at = $"added_tokens[{index++}]";
                reader.Object(item, at);
                bool special = reader.Bool(item, "special", at, false);
                added.Add(new AddedToken(
                    reader.Int(item, "id", at),
                    reader.String(item, "content", at),
                    special,
                    reader.Bool(item, "single_word", at, false),
                    reader.Bool(item, "lstrip", at, false),
                    reader.Bool(item, "rstrip", at, false),
                    reader.Bool(item, "normalized", at, !special)));
            }
        }

        return new HfTokenizer(model, added, normalizer, preTokenizer, postProcessor, decoder)
        {
            _truncation = TokenizerJsonReader.TryGet(root, "truncation", out var t) ? t.Clone() : null,
            _padding = TokenizerJsonReader.TryGet(root, "padding", out var pad) ? pad.Clone() : null,
            _mergesAsPairs = mergesAsPairs,
        };
    }

    /// <summary>
    /// Writes a Hugging Face tokenizer.json to <paramref name="path"/> (atomically: a temporary file
    /// in the same folder is renamed over the target).
    /// </summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath)!;
        if (!Directory.Exists(folder))
            throw TtLoraException.InFile(path, "cannot save: the folder does not exist");
        string temp = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = File.Create(temp))
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                WriteJson(writer);
            }
            File.Move(temp, fullPath, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            File.Delete(temp);
            throw TtLoraException.InFile(path, $"cannot save: {ex.Message}");
        }
    }

    private void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("version", "1.0");
        WriteRawOrNull(writer, "truncation", _truncation);
        WriteRawOrNull(writer, "padding", _padding);
        writer.WriteStartArray("added_tokens");
        foreach (var token in _addedTokens)
        {
            writer.WriteStartObject();
            writer.WriteNumber("id", token.Id);
            writer.WriteString("content", token.Content);
            writer.WriteBoolean("single_word", token.SingleWord);
            writer.WriteBoolean("lstrip", token.LStrip);
            writer.WriteBoolean("rstrip", token.RStrip);
            writer.WriteBoolean("normalized", token.Normalized);
            writer.WriteBoolean("special", token.Special);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        WriteComponent(writer, "normalizer", Normalizer is null ? null : Normalizer.WriteJson);
        WriteComponent(writer, "pre_tokenizer", PreTokenizer is null ? null : PreTokenizer.WriteJson);
        WriteComponent(writer, "post_processor", PostProcessor is null ? null : PostProcessor.WriteJson);
        WriteComponent(writer, "decoder", Decoder is null ? null : Decoder.WriteJson);
        writer.WritePropertyName("model");
        Model.WriteJson(writer, _mergesAsPairs);
        writer.WriteEndObject();
    }

    private static void WriteRawOrNull(Utf8JsonWriter writer, string name, JsonElement? value)
    {
        writer.WritePropertyName(name);
        if (value is JsonElement element) element.WriteTo(writer);
        else writer.WriteNullValue();
    }

    private static void WriteComponent(Utf8JsonWriter writer, string name, Action<Utf8JsonWriter>? write)
    {
        writer.WritePropertyName(name);
        if (write is null) writer.WriteNullValue();
        else write(writer);
    }
}

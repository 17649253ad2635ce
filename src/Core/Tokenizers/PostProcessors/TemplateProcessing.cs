using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>
/// Builds the final ids from a template such as <c>&lt;s&gt; $A</c>: special-token pieces are
/// inserted (when special tokens are requested) around the sequence.
/// </summary>
public sealed class TemplateProcessing : IPostProcessor
{
    /// <summary>One element of a template: a special token, or the sequence "A"/"B".</summary>
    /// <param name="IsSequence">True for a sequence slot, false for a special token.</param>
    /// <param name="Id">The sequence name ("A"/"B") or the special token's key.</param>
    /// <param name="TypeId">Its token type id.</param>
    public readonly record struct Piece(bool IsSequence, string Id, int TypeId);

    /// <summary>A named special token of the template and the ids/tokens it expands to.</summary>
    public sealed record SpecialToken(string Id, IReadOnlyList<int> Ids, IReadOnlyList<string> Tokens);

    /// <summary>Creates the processor.</summary>
    public TemplateProcessing(IReadOnlyList<Piece> single, IReadOnlyList<Piece> pair, IReadOnlyDictionary<string, SpecialToken> specialTokens)
    {
        Single = single;
        Pair = pair;
        SpecialTokens = specialTokens;
        foreach (var piece in single.Concat(pair))
            if (!piece.IsSequence && !specialTokens.ContainsKey(piece.Id))
                throw new ArgumentException($"template uses special token '{piece.Id}' that special_tokens does not define");
    }

    /// <summary>A processor that puts <paramref name="bosToken"/> in front of every sequence (Llama style).</summary>
    public static TemplateProcessing BosOnly(string bosToken, int bosId) => new(
        [new Piece(false, bosToken, 0), new Piece(true, "A", 0)],
        [new Piece(false, bosToken, 0), new Piece(true, "A", 0), new Piece(false, bosToken, 1), new Piece(true, "B", 1)],
        new Dictionary<string, SpecialToken> { [bosToken] = new SpecialToken(bosToken, [bosId], [bosToken]) });

    /// <summary>The template for one sequence.</summary>
    public IReadOnlyList<Piece> Single { get; }

    /// <summary>The template for a pair of sequences (saved; pairs are not encoded here).</summary>
    public IReadOnlyList<Piece> Pair { get; }

    /// <summary>The special tokens the templates refer to.</summary>
    public IReadOnlyDictionary<string, SpecialToken> SpecialTokens { get; }

    /// <inheritdoc/>
    public List<int> Process(List<int> ids, bool addSpecialTokens)
    {
        if (!addSpecialTokens) return ids;
        var result = new List<int>(ids.Count + 4);
        foreach (var piece in Single)
        {
            if (piece.IsSequence) result.AddRange(ids);
            else result.AddRange(SpecialTokens[piece.Id].Ids);
        }
        return result;
    }

    /// <inheritdoc/>
    public (IReadOnlyList<int> Before, IReadOnlyList<int> After) SpecialTokensAround
    {
        get
        {
            var before = new List<int>();
            var after = new List<int>();
            bool seenSequence = false;
            foreach (var piece in Single)
            {
                if (piece.IsSequence) seenSequence = true;
                else (seenSequence ? after : before).AddRange(SpecialTokens[piece.Id].Ids);
            }
            return (before, after);
        }
    }

    /// <inheritdoc/>
    public void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "TemplateProcessing");
        WriteTemplate(writer, "single", Single);
        WriteTemplate(writer, "pair", Pair);
        writer.WriteStartObject("special_tokens");
        foreach (var (key, token) in SpecialTokens)
        {
            writer.WriteStartObject(key);
            writer.WriteString("id", token.Id);
            writer.WriteStartArray("ids");
            foreach (int id in token.Ids) writer.WriteNumberValue(id);
            writer.WriteEndArray();
            writer.WriteStartArray("tokens");
            foreach (string t in token.Tokens) writer.WriteStringValue(t);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteTemplate(Utf8JsonWriter writer, string name, IReadOnlyList<Piece> template)
    {
        writer.WriteStartArray(name);
        foreach (var piece in template)
        {
            writer.WriteStartObject();
            writer.WriteStartObject(piece.IsSequence ? "Sequence" : "SpecialToken");
            writer.WriteString("id", piece.Id);
            writer.WriteNumber("type_id", piece.TypeId);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    internal static TemplateProcessing FromJson(JsonElement element, TokenizerJsonReader reader, string where)
    {
        var single = ReadTemplate(element, "single", reader, where);
        var pair = TokenizerJsonReader.TryGet(element, "pair", out _) ? ReadTemplate(element, "pair", reader, where) : [];
        var specialTokens = new Dictionary<string, SpecialToken>();
        if (TokenizerJsonReader.TryGet(element, "special_tokens", out var map))
        {
            reader.Object(map, $"{where}.special_tokens");
            foreach (var property in map.EnumerateObject())
            {
                string at = $"{where}.special_tokens.{property.Name}";
                var entry = reader.Object(property.Value, at);
                var ids = new List<int>();
                int k = 0;
                foreach (var id in reader.Array(entry, "ids", at).EnumerateArray())
                    ids.Add(reader.NonNegativeInt(id, $"{at}.ids[{k++}]"));
                var tokens = new List<string>();
                foreach (var token in reader.Array(entry, "tokens", at).EnumerateArray())
                    tokens.Add(token.GetString() ?? "");
                if (ids.Count != tokens.Count)
                    throw reader.Error(at, $"'ids' has {ids.Count} entries but 'tokens' has {tokens.Count}");
                specialTokens[property.Name] = new SpecialToken(reader.String(entry, "id", at), ids, tokens);
            }
        }
        try
        {
            return new TemplateProcessing(single, pair, specialTokens);
        }
        catch (ArgumentException ex)
        {
            throw reader.Error(where, ex.Message);
        }
    }

    private static List<Piece> ReadTemplate(JsonElement element, string name, TokenizerJsonReader reader, string where)
    {
        var pieces = new List<Piece>();
        int index = 0;
        foreach (var item in reader.Array(element, name, where).EnumerateArray())
        {
            string at = $"{where}.{name}[{index++}]";
            reader.Object(item, at);
            if (TokenizerJsonReader.TryGet(item, "SpecialToken", out var special))
                pieces.Add(new Piece(false, reader.String(special, "id", $"{at}.SpecialToken"), reader.Int(special, "type_id", $"{at}.SpecialToken", 0)));
            else if (TokenizerJsonReader.TryGet(item, "Sequence", out var sequence))
            {
                string id = reader.String(sequence, "id", $"{at}.Sequence");
                if (id is not ("A" or "B")) throw reader.Error($"{at}.Sequence.id", $"expected \"A\" or \"B\", found \"{id}\"");
                pieces.Add(new Piece(true, id, reader.Int(sequence, "type_id", $"{at}.Sequence", 0)));
            }
            else
                throw reader.Error(at, "expected an object with a \"SpecialToken\" or \"Sequence\" field");
        }
        return pieces;
    }
}

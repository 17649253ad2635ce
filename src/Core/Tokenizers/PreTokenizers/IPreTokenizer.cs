using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>A tokenizer.json <c>pre_tokenizer</c>: cuts normalized text into the words the model encodes.</summary>
public interface IPreTokenizer
{
    /// <summary>Splits <paramref name="piece"/>, appending the non-empty results to <paramref name="output"/>.</summary>
    void PreTokenize(PreToken piece, List<PreToken> output);

    /// <summary>Writes this component as tokenizer.json does.</summary>
    void WriteJson(Utf8JsonWriter writer);
}

/// <summary>Reads <c>pre_tokenizer</c> objects.</summary>
internal static class PreTokenizerJson
{
    private static readonly string[] Supported = ["Sequence", "Split", "ByteLevel", "Metaspace", "WhitespaceSplit", "Digits"];

    public static IPreTokenizer Read(JsonElement element, TokenizerJsonReader reader, string where)
    {
        string type = reader.Type(element, where);
        return type switch
        {
            "Sequence" => SequencePreTokenizer.FromJson(element, reader, where),
            "Split" => SplitPreTokenizer.FromJson(element, reader, where),
            "ByteLevel" => ByteLevelPreTokenizer.FromJson(element, reader, where),
            "Metaspace" => MetaspacePreTokenizer.FromJson(element, reader, where),
            "WhitespaceSplit" => new WhitespaceSplitPreTokenizer(),
            "Digits" => new DigitsPreTokenizer(reader.Bool(element, "individual_digits", where, false)),
            _ => throw reader.Unsupported(where, "pre-tokenizer", type, Supported),
        };
    }

    /// <summary>Turns [start, end) pieces of <paramref name="piece"/> into pre-tokens.</summary>
    public static void AddPieces(PreToken piece, List<(int Start, int End)> ranges, List<PreToken> output)
    {
        foreach (var (start, end) in ranges)
            output.Add(new PreToken(piece.Text[start..end], piece.AtTextStart && start == 0));
    }
}

using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>A tokenizer.json <c>decoder</c>: turns token strings back into text.</summary>
public interface IDecoder
{
    /// <summary>
    /// Transforms the list of token strings; decoders are chained and the final list is concatenated.
    /// </summary>
    List<string> DecodeChain(List<string> tokens);

    /// <summary>Writes this component as tokenizer.json does.</summary>
    void WriteJson(Utf8JsonWriter writer);
}

/// <summary>Reads <c>decoder</c> objects.</summary>
internal static class DecoderJson
{
    private static readonly string[] Supported = ["Sequence", "ByteLevel", "Replace", "ByteFallback", "Fuse", "Strip", "Metaspace"];

    public static IDecoder Read(JsonElement element, TokenizerJsonReader reader, string where)
    {
        string type = reader.Type(element, where);
        return type switch
        {
            "Sequence" => SequenceDecoder.FromJson(element, reader, where),
            "ByteLevel" => new ByteLevelDecoder(
                reader.Bool(element, "add_prefix_space", where, true),
                reader.Bool(element, "trim_offsets", where, true),
                reader.Bool(element, "use_regex", where, true)),
            "Replace" => new ReplaceDecoder(
                TextPattern.FromJson(reader.Required(element, "pattern", where), reader, $"{where}.pattern"),
                reader.String(element, "content", where)),
            "ByteFallback" => new ByteFallbackDecoder(),
            "Fuse" => new FuseDecoder(),
            "Strip" => new StripDecoder(
                reader.SingleCharacter(element, "content", where),
                reader.Int(element, "start", where, 0),
                reader.Int(element, "stop", where, 0)),
            "Metaspace" => new MetaspaceDecoder(
                reader.SingleCharacter(element, "replacement", where),
                PrependSchemeJson.Read(element, reader, where),
                reader.Bool(element, "split", where, true)),
            _ => throw reader.Unsupported(where, "decoder", type, Supported),
        };
    }
}

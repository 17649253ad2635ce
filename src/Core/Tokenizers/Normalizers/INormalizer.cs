using System.Text;
using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>A tokenizer.json <c>normalizer</c>: rewrites text before pre-tokenization.</summary>
public interface INormalizer
{
    /// <summary>The normalized form of <paramref name="text"/>.</summary>
    string Normalize(string text);

    /// <summary>Writes this component as tokenizer.json does.</summary>
    void WriteJson(Utf8JsonWriter writer);
}

/// <summary>Reads <c>normalizer</c> objects.</summary>
internal static class NormalizerJson
{
    private static readonly string[] Supported = ["Sequence", "Prepend", "Replace", "NFC", "NFD", "NFKC", "NFKD", "Lowercase", "Strip"];

    public static INormalizer Read(JsonElement element, TokenizerJsonReader reader, string where)
    {
        string type = reader.Type(element, where);
        return type switch
        {
            "Sequence" => SequenceNormalizer.FromJson(element, reader, where),
            "Prepend" => new PrependNormalizer(reader.String(element, "prepend", where)),
            "Replace" => new ReplaceNormalizer(
                TextPattern.FromJson(reader.Required(element, "pattern", where), reader, $"{where}.pattern"),
                reader.String(element, "content", where)),
            "NFC" => new UnicodeFormNormalizer(NormalizationForm.FormC),
            "NFD" => new UnicodeFormNormalizer(NormalizationForm.FormD),
            "NFKC" => new UnicodeFormNormalizer(NormalizationForm.FormKC),
            "NFKD" => new UnicodeFormNormalizer(NormalizationForm.FormKD),
            "Lowercase" => new LowercaseNormalizer(),
            "Strip" => new StripNormalizer(reader.Bool(element, "strip_left", where, true), reader.Bool(element, "strip_right", where, true)),
            _ => throw reader.Unsupported(where, "normalizer", type, Supported),
        };
    }

    /// <summary>Writes <c>{"type": name}</c> for components without options.</summary>
    public static void WriteTypeOnly(Utf8JsonWriter writer, string type)
    {
        writer.WriteStartObject();
        writer.WriteString("type", type);
        writer.WriteEndObject();
    }
}

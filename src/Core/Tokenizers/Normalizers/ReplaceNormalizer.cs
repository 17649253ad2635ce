using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>Replaces every match of a pattern (Llama-2 turns " " into "▁").</summary>
public sealed class ReplaceNormalizer : INormalizer
{
    /// <summary>Creates the normalizer.</summary>
    public ReplaceNormalizer(TextPattern pattern, string content)
    {
        Pattern = pattern;
        Content = content;
    }

    /// <summary>What is replaced.</summary>
    public TextPattern Pattern { get; }

    /// <summary>The replacement.</summary>
    public string Content { get; }

    /// <inheritdoc/>
    public string Normalize(string text) => Pattern.ReplaceAll(text, Content);

    /// <inheritdoc/>
    public void WriteJson(Utf8JsonWriter writer) => WriteFields(writer, Pattern, Content);

    /// <summary>Writes a Replace component (the decoder form has the same fields).</summary>
    internal static void WriteFields(Utf8JsonWriter writer, TextPattern pattern, string content)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "Replace");
        writer.WritePropertyName("pattern");
        pattern.WriteJson(writer);
        writer.WriteString("content", content);
        writer.WriteEndObject();
    }
}

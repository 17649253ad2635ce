using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>Puts a fixed string in front of non-empty text (Llama-2 prepends "▁").</summary>
public sealed class PrependNormalizer : INormalizer
{
    /// <summary>Creates the normalizer.</summary>
    public PrependNormalizer(string prepend) => Prepend = prepend;

    /// <summary>The string put in front.</summary>
    public string Prepend { get; }

    /// <inheritdoc/>
    public string Normalize(string text) => text.Length == 0 ? text : Prepend + text;

    /// <inheritdoc/>
    public void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "Prepend");
        writer.WriteString("prepend", Prepend);
        writer.WriteEndObject();
    }
}

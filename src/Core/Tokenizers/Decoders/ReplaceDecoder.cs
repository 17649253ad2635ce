using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>Replaces a pattern inside every token (Llama-2 turns "▁" back into " ").</summary>
public sealed class ReplaceDecoder : IDecoder
{
    /// <summary>Creates the decoder.</summary>
    public ReplaceDecoder(TextPattern pattern, string content)
    {
        Pattern = pattern;
        Content = content;
    }

    /// <summary>What is replaced.</summary>
    public TextPattern Pattern { get; }

    /// <summary>The replacement.</summary>
    public string Content { get; }

    /// <inheritdoc/>
    public List<string> DecodeChain(List<string> tokens) => tokens.ConvertAll(t => Pattern.ReplaceAll(t, Content));

    /// <inheritdoc/>
    public void WriteJson(Utf8JsonWriter writer) => ReplaceNormalizer.WriteFields(writer, Pattern, Content);
}

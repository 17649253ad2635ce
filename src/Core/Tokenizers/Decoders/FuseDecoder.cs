using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>Concatenates all tokens into one, so later steps (such as Strip) see the whole text.</summary>
public sealed class FuseDecoder : IDecoder
{
    /// <inheritdoc/>
    public List<string> DecodeChain(List<string> tokens) => [string.Concat(tokens)];

    /// <inheritdoc/>
    public void WriteJson(Utf8JsonWriter writer) => NormalizerJson.WriteTypeOnly(writer, "Fuse");
}

using System.Text;
using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>Maps byte-level characters back to bytes and decodes them as UTF-8 (invalid bytes become U+FFFD).</summary>
public sealed class ByteLevelDecoder : IDecoder
{
    /// <summary>Creates the decoder; the flags only matter for saving.</summary>
    public ByteLevelDecoder(bool addPrefixSpace = true, bool trimOffsets = true, bool useRegex = true)
    {
        AddPrefixSpace = addPrefixSpace;
        TrimOffsets = trimOffsets;
        UseRegex = useRegex;
    }

    /// <summary>Saved option.</summary>
    public bool AddPrefixSpace { get; }

    /// <summary>Saved option.</summary>
    public bool TrimOffsets { get; }

    /// <summary>Saved option.</summary>
    public bool UseRegex { get; }

    /// <inheritdoc/>
    public List<string> DecodeChain(List<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (var token in tokens) ByteLevelAlphabet.AppendBytes(token, bytes);
        return [Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes))];
    }

    /// <inheritdoc/>
    public void WriteJson(Utf8JsonWriter writer) =>
        ByteLevelPreTokenizer.WriteFields(writer, "ByteLevel", AddPrefixSpace, TrimOffsets, UseRegex);
}

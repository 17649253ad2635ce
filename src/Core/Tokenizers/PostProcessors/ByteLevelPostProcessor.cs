using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>Byte-level post-processing only adjusts offsets, so ids pass through unchanged.</summary>
public sealed class ByteLevelPostProcessor : IPostProcessor
{
    /// <summary>Creates the processor; the flags only matter for saving.</summary>
    public ByteLevelPostProcessor(bool addPrefixSpace = true, bool trimOffsets = true, bool useRegex = true)
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
    public List<int> Process(List<int> ids, bool addSpecialTokens) => ids;

    /// <inheritdoc/>
    public (IReadOnlyList<int> Before, IReadOnlyList<int> After) SpecialTokensAround => ([], []);

    /// <inheritdoc/>
    public void WriteJson(Utf8JsonWriter writer) =>
        ByteLevelPreTokenizer.WriteFields(writer, "ByteLevel", AddPrefixSpace, TrimOffsets, UseRegex);
}

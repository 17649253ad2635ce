using System.Text;
using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>Splits on whitespace and drops it.</summary>
public sealed class WhitespaceSplitPreTokenizer : IPreTokenizer
{
    /// <inheritdoc/>
    public void PreTokenize(PreToken piece, List<PreToken> output)
    {
        var matches = DelimiterSplitter.CharacterMatches(piece.Text, Rune.IsWhiteSpace);
        PreTokenizerJson.AddPieces(piece, DelimiterSplitter.Split(piece.Text, matches, SplitDelimiterBehavior.Removed, invert: false), output);
    }

    /// <inheritdoc/>
    public void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "WhitespaceSplit");
        writer.WriteEndObject();
    }
}

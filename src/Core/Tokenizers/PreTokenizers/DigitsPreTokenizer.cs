using System.Text;
using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>Separates numeric characters from the rest: one by one, or as runs.</summary>
public sealed class DigitsPreTokenizer : IPreTokenizer
{
    /// <summary>Creates the splitter.</summary>
    public DigitsPreTokenizer(bool individualDigits) => IndividualDigits = individualDigits;

    /// <summary>Each digit becomes its own piece (otherwise runs of digits stay together).</summary>
    public bool IndividualDigits { get; }

    /// <inheritdoc/>
    public void PreTokenize(PreToken piece, List<PreToken> output)
    {
        var matches = DelimiterSplitter.CharacterMatches(piece.Text, Rune.IsNumber);
        var behavior = IndividualDigits ? SplitDelimiterBehavior.Isolated : SplitDelimiterBehavior.Contiguous;
        PreTokenizerJson.AddPieces(piece, DelimiterSplitter.Split(piece.Text, matches, behavior, invert: false), output);
    }

    /// <inheritdoc/>
    public void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "Digits");
        writer.WriteBoolean("individual_digits", IndividualDigits);
        writer.WriteEndObject();
    }
}

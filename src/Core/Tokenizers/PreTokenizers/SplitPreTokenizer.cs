using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>Splits on a literal or regex pattern (Llama-3 uses this with its word regex, "Isolated").</summary>
public sealed class SplitPreTokenizer : IPreTokenizer
{
    /// <summary>Creates the splitter.</summary>
    /// <param name="pattern">What to split on.</param>
    /// <param name="behavior">What happens to the matches.</param>
    /// <param name="invert">Split on what does NOT match instead.</param>
    public SplitPreTokenizer(TextPattern pattern, SplitDelimiterBehavior behavior, bool invert = false)
    {
        Pattern = pattern;
        Behavior = behavior;
        Invert = invert;
    }

    /// <summary>The pattern.</summary>
    public TextPattern Pattern { get; }

    /// <summary>What happens to the matches.</summary>
    public SplitDelimiterBehavior Behavior { get; }

    /// <summary>Whether the matches are the kept parts rather than the delimiters.</summary>
    public bool Invert { get; }

    /// <inheritdoc/>
    public void PreTokenize(PreToken piece, List<PreToken> output)
    {
        var ranges = DelimiterSplitter.Split(piece.Text, Pattern.Matches(piece.Text), Behavior, Invert);
        PreTokenizerJson.AddPieces(piece, ranges, output);
    }

    /// <inheritdoc/>
    public void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "Split");
        writer.WritePropertyName("pattern");
        Pattern.WriteJson(writer);
        writer.WriteString("behavior", Behavior.ToString());
        writer.WriteBoolean("invert", Invert);
        writer.WriteEndObject();
    }

    internal static SplitPreTokenizer FromJson(JsonElement element, TokenizerJsonReader reader, string where)
    {
        var pattern = TextPattern.FromJson(reader.Required(element, "pattern", where), reader, $"{where}.pattern");
        string behaviorName = reader.String(element, "behavior", where);
        if (!Enum.TryParse<SplitDelimiterBehavior>(behaviorName, ignoreCase: false, out var behavior) || !DelimiterSplitter.Names.Contains(behaviorName))
            throw reader.Error($"{where}.behavior", $"unknown behavior '{behaviorName}' (expected one of {string.Join(", ", DelimiterSplitter.Names)})");
        return new SplitPreTokenizer(pattern, behavior, reader.Bool(element, "invert", where, false));
    }
}

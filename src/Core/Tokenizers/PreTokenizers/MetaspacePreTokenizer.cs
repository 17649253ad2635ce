using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>
/// SentencePiece-style step: spaces become a visible replacement character (default "▁"), one is
/// optionally prepended, and the text is optionally split so each piece starts with it.
/// </summary>
public sealed class MetaspacePreTokenizer : IPreTokenizer
{
    /// <summary>Creates the step.</summary>
    public MetaspacePreTokenizer(string replacement = "\u2581", PrependScheme prependScheme = PrependScheme.Always, bool split = true)
    {
        Replacement = replacement;
        PrependScheme = prependScheme;
        Split = split;
    }

    /// <summary>The character that stands for a space.</summary>
    public string Replacement { get; }

    /// <summary>When a replacement is put in front.</summary>
    public PrependScheme PrependScheme { get; }

    /// <summary>Split before every replacement character.</summary>
    public bool Split { get; }

    /// <inheritdoc/>
    public void PreTokenize(PreToken piece, List<PreToken> output)
    {
        string text = piece.Text.Replace(" ", Replacement, StringComparison.Ordinal);
        bool prepend = PrependScheme switch
        {
            PrependScheme.Always => true,
            PrependScheme.First => piece.AtTextStart,
            _ => false,
        };
        if (prepend && !text.StartsWith(Replacement, StringComparison.Ordinal))
            text = Replacement + text;
        var replaced = piece with { Text = text };
        if (!Split)
        {
            if (text.Length > 0) output.Add(replaced);
            return;
        }
        var matches = TextPattern.Literal(Replacement).Matches(text);
        PreTokenizerJson.AddPieces(replaced, DelimiterSplitter.Split(text, matches, SplitDelimiterBehavior.MergedWithNext, invert: false), output);
    }

    /// <inheritdoc/>
    public void WriteJson(Utf8JsonWriter writer) => WriteFields(writer, Replacement, PrependScheme, Split);

    internal static void WriteFields(Utf8JsonWriter writer, string replacement, PrependScheme scheme, bool split)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "Metaspace");
        writer.WriteString("replacement", replacement);
        writer.WriteString("prepend_scheme", PrependSchemeJson.Name(scheme));
        writer.WriteBoolean("split", split);
        writer.WriteEndObject();
    }

    internal static MetaspacePreTokenizer FromJson(JsonElement element, TokenizerJsonReader reader, string where) =>
        new(reader.SingleCharacter(element, "replacement", where),
            PrependSchemeJson.Read(element, reader, where),
            reader.Bool(element, "split", where, true));
}

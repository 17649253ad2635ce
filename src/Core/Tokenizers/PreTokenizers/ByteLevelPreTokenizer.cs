using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>
/// GPT-2 style byte-level step: optionally adds a leading space and splits with GPT-2's word regex,
/// then maps every piece's UTF-8 bytes to <see cref="ByteLevelAlphabet"/> characters.
/// </summary>
public sealed class ByteLevelPreTokenizer : IPreTokenizer
{
    /// <summary>GPT-2's word regex, used when <see cref="UseRegex"/> is on.</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private static readonly Lazy<TextPattern> Gpt2Regex = new(() => TextPattern.Regex(Gpt2Pattern));

    /// <summary>Creates the step.</summary>
    public ByteLevelPreTokenizer(bool addPrefixSpace = false, bool trimOffsets = true, bool useRegex = true)
    {
        AddPrefixSpace = addPrefixSpace;
        TrimOffsets = trimOffsets;
        UseRegex = useRegex;
    }

    /// <summary>Prepend a space to pieces that do not start with one.</summary>
    public bool AddPrefixSpace { get; }

    /// <summary>Offsets option, kept for saving (offsets are not computed here).</summary>
    public bool TrimOffsets { get; }

    /// <summary>Split with GPT-2's regex before mapping bytes.</summary>
    public bool UseRegex { get; }

    /// <inheritdoc/>
    public void PreTokenize(PreToken piece, List<PreToken> output)
    {
        if (AddPrefixSpace && !piece.Text.StartsWith(' '))
            piece = piece with { Text = " " + piece.Text };
        if (!UseRegex)
        {
            if (piece.Text.Length > 0) output.Add(piece with { Text = ByteLevelAlphabet.Encode(piece.Text) });
            return;
        }
        var ranges = DelimiterSplitter.Split(piece.Text, Gpt2Regex.Value.Matches(piece.Text), SplitDelimiterBehavior.Isolated, invert: false);
        foreach (var (start, end) in ranges)
            output.Add(new PreToken(ByteLevelAlphabet.Encode(piece.Text[start..end]), piece.AtTextStart && start == 0));
    }

    /// <inheritdoc/>
    public void WriteJson(Utf8JsonWriter writer) => WriteFields(writer, "ByteLevel", AddPrefixSpace, TrimOffsets, UseRegex);

    /// <summary>Writes a ByteLevel component object (shared with the decoder and post-processor forms).</summary>
    internal static void WriteFields(Utf8JsonWriter writer, string type, bool addPrefixSpace, bool trimOffsets, bool useRegex)
    {
        writer.WriteStartObject();
        writer.WriteString("type", type);
        writer.WriteBoolean("add_prefix_space", addPrefixSpace);
        writer.WriteBoolean("trim_offsets", trimOffsets);
        writer.WriteBoolean("use_regex", useRegex);
        writer.WriteEndObject();
    }

    internal static ByteLevelPreTokenizer FromJson(JsonElement element, TokenizerJsonReader reader, string where) =>
        new(reader.Bool(element, "add_prefix_space", where, true),
            reader.Bool(element, "trim_offsets", where, true),
            reader.Bool(element, "use_regex", where, true));
}

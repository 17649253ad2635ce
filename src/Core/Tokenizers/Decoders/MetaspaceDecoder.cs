using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>
/// Turns Metaspace's replacement characters back into spaces. In the first token they are
/// dropped instead (unless the prepend scheme is "never"), undoing the prepended one.
/// </summary>
public sealed class MetaspaceDecoder : IDecoder
{
    /// <summary>Creates the decoder.</summary>
    public MetaspaceDecoder(string replacement = "\u2581", PrependScheme prependScheme = PrependScheme.Always, bool split = true)
    {
        Replacement = replacement;
        PrependScheme = prependScheme;
        Split = split;
    }

    /// <summary>The character that stands for a space.</summary>
    public string Replacement { get; }

    /// <summary>The pre-tokenizer's prepend scheme.</summary>
    public PrependScheme PrependScheme { get; }

    /// <summary>Saved option.</summary>
    public bool Split { get; }

    /// <inheritdoc/>
    public List<string> DecodeChain(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        for (int i = 0; i < tokens.Count; i++)
        {
            bool drop = i == 0 && PrependScheme != PrependScheme.Never;
            result.Add(tokens[i].Replace(Replacement, drop ? "" : " ", StringComparison.Ordinal));
        }
        return result;
    }

    /// <inheritdoc/>
    public void WriteJson(Utf8JsonWriter writer) => MetaspacePreTokenizer.WriteFields(writer, Replacement, PrependScheme, Split);
}

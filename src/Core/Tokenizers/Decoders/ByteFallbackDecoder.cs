using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>
/// Joins runs of byte tokens (<c>&lt;0xE4&gt;</c>) into text. A run that is not valid UTF-8 becomes
/// one U+FFFD per byte, as Hugging Face does.
/// </summary>
public sealed class ByteFallbackDecoder : IDecoder
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <inheritdoc/>
    public List<string> DecodeChain(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        var pending = new List<byte>();
        foreach (var token in tokens)
        {
            if (TryParseByteToken(token, out byte value))
            {
                pending.Add(value);
                continue;
            }
            Flush(pending, result);
            result.Add(token);
        }
        Flush(pending, result);
        return result;
    }

    /// <summary>Parses "&lt;0xHH&gt;".</summary>
    public static bool TryParseByteToken(string token, out byte value)
    {
        value = 0;
        return token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
            && byte.TryParse(token.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    private static void Flush(List<byte> pending, List<string> result)
    {
        if (pending.Count == 0) return;
        try
        {
            result.Add(StrictUtf8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pending)));
        }
        catch (DecoderFallbackException)
        {
            for (int i = 0; i < pending.Count; i++) result.Add("\uFFFD");
        }
        pending.Clear();
    }

    /// <inheritdoc/>
    public void WriteJson(Utf8JsonWriter writer) => NormalizerJson.WriteTypeOnly(writer, "ByteFallback");
}

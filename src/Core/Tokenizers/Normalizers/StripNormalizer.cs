using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>Removes leading and/or trailing whitespace.</summary>
public sealed class StripNormalizer : INormalizer
{
    /// <summary>Creates the normalizer.</summary>
    public StripNormalizer(bool stripLeft, bool stripRight)
    {
        StripLeft = stripLeft;
        StripRight = stripRight;
    }

    /// <summary>Strip leading whitespace.</summary>
    public bool StripLeft { get; }

    /// <summary>Strip trailing whitespace.</summary>
    public bool StripRight { get; }

    /// <inheritdoc/>
    public string Normalize(string text) => (StripLeft, StripRight) switch
    {
        (true, true) => text.Trim(),
        (true, false) => text.TrimStart(),
        (false, true) => text.TrimEnd(),
        _ => text,
    };

    /// <inheritdoc/>
    public void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "Strip");
        writer.WriteBoolean("strip_left", StripLeft);
        writer.WriteBoolean("strip_right", StripRight);
        writer.WriteEndObject();
    }
}

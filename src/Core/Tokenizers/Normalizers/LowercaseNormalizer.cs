using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>Unicode lowercasing, character by character.</summary>
public sealed class LowercaseNormalizer : INormalizer
{
    /// <inheritdoc/>
    public string Normalize(string text)
    {
        // Rust's char::to_lowercase maps U+0130 to "i" + combining dot; .NET maps it to one char.
        if (text.Contains('\u0130')) text = text.Replace("\u0130", "i\u0307", StringComparison.Ordinal);
        return text.ToLowerInvariant();
    }

    /// <inheritdoc/>
    public void WriteJson(Utf8JsonWriter writer) => NormalizerJson.WriteTypeOnly(writer, "Lowercase");
}

using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>
/// The bos/eos/unk token names a tokenizer_config.json declares. Best effort: a missing or
/// unreadable file simply gives no names, since tokenizer.json alone is a complete tokenizer.
/// </summary>
internal readonly record struct SpecialTokenNames(string? Bos, string? Eos, string? Unk)
{
    public static SpecialTokenNames FromConfigFile(string path)
    {
        if (!File.Exists(path)) return default;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return default;
            return new SpecialTokenNames(Name(root, "bos_token"), Name(root, "eos_token"), Name(root, "unk_token"));
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            return default;
        }
    }

    // A name is either a plain string or an AddedToken-like object with "content".
    private static string? Name(JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var value)) return null;
        if (value.ValueKind == JsonValueKind.String) return value.GetString();
        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
            return content.GetString();
        return null;
    }
}

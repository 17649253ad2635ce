using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>
/// Typed access to the fields of a tokenizer.json document. Every failure becomes a
/// <see cref="TtLoraException"/> that names the file and the JSON path of the offending field.
/// </summary>
internal sealed class TokenizerJsonReader
{
    /// <summary>Creates a reader whose errors name <paramref name="filePath"/>.</summary>
    public TokenizerJsonReader(string filePath) => FilePath = filePath;

    /// <summary>The file being read, used in error messages.</summary>
    public string FilePath { get; }

    /// <summary>An error about the field at <paramref name="where"/>.</summary>
    public TtLoraException Error(string where, string problem) => TtLoraException.InFile(FilePath, $"{where}: {problem}");

    /// <summary>An error for a component type this implementation does not support.</summary>
    public TtLoraException Unsupported(string where, string kind, string type, IEnumerable<string> supported) =>
        Error(where, $"unsupported {kind} type '{type}' (supported: {string.Join(", ", supported)})");

    /// <summary>The object at <paramref name="where"/>, or an error if it is not a JSON object.</summary>
    public JsonElement Object(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw Error(where, $"expected a JSON object, found {Describe(element)}");
        return element;
    }

    /// <summary>True (with the value) when the field exists and is not null.</summary>
    public static bool TryGet(JsonElement obj, string name, out JsonElement value)
    {
        if (obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
            return true;
        value = default;
        return false;
    }

    /// <summary>A required, non-null field.</summary>
    public JsonElement Required(JsonElement obj, string name, string where)
    {
        if (!TryGet(obj, name, out var value))
            throw Error(where, $"missing required field '{name}'");
        return value;
    }

    /// <summary>The component's "type" field.</summary>
    public string Type(JsonElement obj, string where)
    {
        Object(obj, where);
        return String(obj, "type", where);
    }

    /// <summary>A required string field.</summary>
    public string String(JsonElement obj, string name, string where)
    {
        var value = Required(obj, name, where);
        if (value.ValueKind != JsonValueKind.String)
            throw Error($"{where}.{name}", $"expected a string, found {Describe(value)}");
        return value.GetString()!;
    }

    /// <summary>An optional string field (absent or null gives null).</summary>
    public string? OptionalString(JsonElement obj, string name, string where)
    {
        if (!TryGet(obj, name, out var value)) return null;
        if (value.ValueKind != JsonValueKind.String)
            throw Error($"{where}.{name}", $"expected a string or null, found {Describe(value)}");
        return value.GetString();
    }

    /// <summary>A boolean field; absent or null gives <paramref name="defaultValue"/>.</summary>
    public bool Bool(JsonElement obj, string name, string where, bool defaultValue)
    {
        if (!TryGet(obj, name, out var value)) return defaultValue;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error($"{where}.{name}", $"expected true or false, found {Describe(value)}"),
        };
    }

    /// <summary>A non-negative integer field; absent or null gives <paramref name="defaultValue"/> (or an error when that is null).</summary>
    public int Int(JsonElement obj, string name, string where, int? defaultValue = null)
    {
        if (!TryGet(obj, name, out var value))
            return defaultValue ?? throw Error(where, $"missing required field '{name}'");
        return NonNegativeInt(value, $"{where}.{name}");
    }

    /// <summary>The element as a non-negative 32-bit integer.</summary>
    public int NonNegativeInt(JsonElement value, string where)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int number) || number < 0)
            throw Error(where, $"expected a non-negative integer, found {Describe(value)}");
        return number;
    }

    /// <summary>A required array field.</summary>
    public JsonElement Array(JsonElement obj, string name, string where)
    {
        var value = Required(obj, name, where);
        if (value.ValueKind != JsonValueKind.Array)
            throw Error($"{where}.{name}", $"expected an array, found {Describe(value)}");
        return value;
    }

    /// <summary>A string field holding exactly one Unicode character (a Rust <c>char</c>).</summary>
    public string SingleCharacter(JsonElement obj, string name, string where)
    {
        string text = String(obj, name, where);
        if (text.Length == 0 || (char.IsSurrogatePair(text, 0) ? text.Length != 2 : text.Length != 1))
            throw Error($"{where}.{name}", $"expected exactly one character, found \"{text}\"");
        return text;
    }

    /// <summary>A short description of a JSON value for error messages.</summary>
    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{Shorten(value.GetString()!)}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace TtLora.Core.Adapters;

/// <summary>Typed reads of an adapter config's JSON fields; errors name the file and the field.</summary>
internal sealed class JsonFields(JsonObject json, string source, string prefix = "")
{
    public string Source => source;

    public bool Has(string field) => json[field] is not null;

    public bool IsString(string field) => json[field] is JsonValue v && v.GetValueKind() == JsonValueKind.String;

    public int? Int(string field)
    {
        var node = json[field];
        if (node is null) return null;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out double x) && x == Math.Floor(x) && Math.Abs(x) <= int.MaxValue)
            return (int)x;
        throw Wrong(field, "a whole number", node);
    }

    public double? Double(string field)
    {
        var node = json[field];
        if (node is null) return null;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number) return v.GetValue<double>();
        throw Wrong(field, "a number", node);
    }

    public bool? Bool(string field)
    {
        var node = json[field];
        if (node is null) return null;
        if (node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False) return v.GetValue<bool>();
        throw Wrong(field, "true or false", node);
    }

    public string? String(string field)
    {
        var node = json[field];
        if (node is null) return null;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String) return v.GetValue<string>();
        throw Wrong(field, "a string", node);
    }

    public IReadOnlyList<string>? StringList(string field)
    {
        var node = json[field];
        if (node is null) return null;
        if (node is JsonArray array)
            return array.Select(item => item is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : throw Wrong(field, "a list of strings", node)).ToArray();
        throw Wrong(field, "a list of strings", node);
    }

    /// <summary>A list of whole numbers; a single number is read as a one-element list (PEFT allows both).</summary>
    public IReadOnlyList<int>? IntList(string field)
    {
        var node = json[field];
        if (node is null) return null;
        if (node is JsonArray array) return array.Select(item => AsInt(item, field, node)).ToArray();
        return [AsInt(node, field, node)];
    }

    /// <summary>An object mapping names to lists of whole numbers, e.g. <c>{"q_proj": [16,8,4,4]}</c>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<int>> IntListMap(string field)
    {
        var node = json[field];
        if (node is null) return new Dictionary<string, IReadOnlyList<int>>();
        if (node is not JsonObject map) throw Wrong(field, "an object of name -> list of whole numbers", node);
        var result = new Dictionary<string, IReadOnlyList<int>>();
        foreach (var (name, value) in map)
        {
            if (value is not JsonArray array) throw Wrong($"{field}.{name}", "a list of whole numbers", value ?? JsonValue.Create("null")!);
            result[name] = array.Select(item => AsInt(item, $"{field}.{name}", value)).ToArray();
        }
        return result;
    }

    /// <summary>An object mapping names to numbers (PEFT's rank_pattern / alpha_pattern).</summary>
    public IReadOnlyDictionary<string, double> NumberMap(string field)
    {
        var node = json[field];
        if (node is null) return new Dictionary<string, double>();
        if (node is not JsonObject map) throw Wrong(field, "an object of name -> number", node);
        var result = new Dictionary<string, double>();
        foreach (var (name, value) in map)
        {
            if (value is JsonValue v && v.GetValueKind() == JsonValueKind.Number) result[name] = v.GetValue<double>();
            else throw Wrong($"{field}.{name}", "a number", value ?? JsonValue.Create("null")!);
        }
        return result;
    }

    /// <summary>A nested object's fields (errors name them as <c>outer.inner</c>), or null when absent.</summary>
    public JsonFields? Object(string field)
    {
        var node = json[field];
        if (node is null) return null;
        if (node is not JsonObject inner) throw Wrong(field, "an object", node);
        return new JsonFields(inner, source, prefix + field + ".");
    }

    public TtLoraException Error(string field, string problem) => TtLoraException.InFile(source, $"field \"{prefix}{field}\" {problem}");

    private int AsInt(JsonNode? item, string field, JsonNode whole) =>
        item is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out double x) && x == Math.Floor(x) && Math.Abs(x) <= int.MaxValue
            ? (int)x
            : throw Wrong(field, "a whole number or a list of whole numbers", whole);

    private TtLoraException Wrong(string field, string expected, JsonNode node) =>
        TtLoraException.InFile(source, $"field \"{prefix}{field}\" must be {expected}, got {node.ToJsonString()}");
}

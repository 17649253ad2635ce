using System.Text.Json;
using System.Text.Json.Nodes;

namespace TtLora.Core.Models;

/// <summary>Typed access to a JSON config object with errors that name the file and the field.</summary>
internal sealed class ConfigReader(JsonObject json, string source, string prefix = "")
{
    public int RequiredInt(string field) =>
        OptionalInt(field) ?? throw Missing(field, "an integer");

    public double RequiredDouble(string field) =>
        OptionalDouble(field) ?? throw Missing(field, "a number");

    public int? OptionalInt(string field)
    {
        var node = json[field];
        if (node is null) return null;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out int i)) return i;
        if (node is JsonValue d && d.GetValueKind() == JsonValueKind.Number && d.TryGetValue(out double x) && x == Math.Floor(x) && Math.Abs(x) < int.MaxValue)
            return (int)x;
        throw Wrong(field, "an integer", node);
    }

    public double? OptionalDouble(string field)
    {
        var node = json[field];
        if (node is null) return null;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number) return v.GetValue<double>();
        throw Wrong(field, "a number", node);
    }

    public bool? OptionalBool(string field)
    {
        var node = json[field];
        if (node is null) return null;
        if (node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False) return v.GetValue<bool>();
        throw Wrong(field, "true or false", node);
    }

    public string? OptionalString(string field)
    {
        var node = json[field];
        if (node is null) return null;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String) return v.GetValue<string>();
        throw Wrong(field, "a string", node);
    }

    /// <summary>An integer or a list of integers (Llama-3's eos_token_id is a list).</summary>
    public IReadOnlyList<int>? OptionalIntOrList(string field)
    {
        var node = json[field];
        if (node is null) return null;
        if (node is JsonArray array)
            return array.Select(item => item is JsonValue v && v.TryGetValue(out int i) ? i : throw Wrong(field, "an integer or a list of integers", node)).ToArray();
        return [OptionalInt(field)!.Value];
    }

    TtLoraException Missing(string field, string expected) =>
        TtLoraException.InFile(source, $"required field \"{prefix}{field}\" is missing (expected {expected})");

    TtLoraException Wrong(string field, string expected, JsonNode node) =>
        TtLoraException.InFile(source, $"field \"{prefix}{field}\" must be {expected}, got {node.ToJsonString()}");
}

using System.Text.Json;
using TtLora.Core;

namespace TtLora.Extension.Verbs;

/// <summary>A text for <c>route</c> and, when the input says so, the task it truly belongs to.</summary>
internal sealed record RouteInput(string Text, string? Task)
{
    /// <summary>
    /// Reads <c>route --file</c>: a <c>.jsonl</c> file holds one object per line with a string <c>text</c> and an optional
    /// string <c>task</c>; any other file holds one text per line. Blank lines are skipped.
    /// </summary>
    public static IReadOnlyList<RouteInput> Read(string path)
    {
        if (!File.Exists(path)) throw new TtLoraException($"--file: {path} does not exist");
        var lines = File.ReadAllLines(path);
        bool jsonl = path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);
        var inputs = new List<RouteInput>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            inputs.Add(jsonl ? FromJson(path, i + 1, lines[i]) : new RouteInput(lines[i], null));
        }
        if (inputs.Count == 0) throw new TtLoraException($"--file: {path} holds no texts");
        return inputs;
    }

    static RouteInput FromJson(string path, int line, string json)
    {
        JsonElement row;
        try
        {
            row = JsonDocument.Parse(json).RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new TtLoraException($"{path} line {line}: not a JSON object ({e.Message})");
        }
        if (row.ValueKind != JsonValueKind.Object || !row.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
            throw new TtLoraException($"{path} line {line}: expected an object with a string \"text\" (and optionally a string \"task\")");
        string? task = null;
        if (row.TryGetProperty("task", out var t))
        {
            if (t.ValueKind == JsonValueKind.String) task = t.GetString();
            else if (t.ValueKind != JsonValueKind.Null) throw new TtLoraException($"{path} line {line}: \"task\" must be a string, got {t.ValueKind.ToString().ToLowerInvariant()}");
        }
        return new RouteInput(text.GetString()!, task);
    }
}

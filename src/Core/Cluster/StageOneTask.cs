using System.Text.Json.Nodes;

namespace TtLora.Core.Cluster;

/// <summary>One array index of a stage-one submission: a demo task and the expert it writes.</summary>
public sealed record StageOneTask(int Index, string Task, string Expert)
{
    public JsonObject ToJson() => new() { ["index"] = Index, ["task"] = Task, ["expert"] = Expert };

    public static StageOneTask FromJson(JsonNode json) => new((int)json["index"]!, (string)json["task"]!, (string)json["expert"]!);

    /// <summary>
    /// Reads a task file: one task name per line; blank lines and lines starting with # are skipped. Tasks are demo-suite
    /// tasks, because the dependent router step (<c>route-train</c>, <c>eval</c>) reads its data from the demo suite.
    /// </summary>
    public static IReadOnlyList<string> ReadFile(string path)
    {
        if (!File.Exists(path)) throw TtLoraException.InFile(path, "task file not found");
        var tasks = new List<string>();
        int number = 0;
        foreach (var raw in File.ReadAllLines(path))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.Any(char.IsWhiteSpace))
                throw TtLoraException.InFile(path, $"line {number}: expected one task name per line, got \"{line}\"");
            tasks.Add(line);
        }
        if (tasks.Count == 0) throw TtLoraException.InFile(path, "the task file lists no tasks (one task name per line)");
        return tasks;
    }
}

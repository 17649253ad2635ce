using System.Text.Json;
using System.Text.Json.Nodes;

namespace TtLora.Core.Cluster;

/// <summary>
/// A stage-one run on a cluster, as recorded in <c>RUNS/NAME/slurm/submission.json</c>: the tasks (one array index
/// each), the shared <c>train</c> options, the router-and-eval step, the resources, and every submission round.
/// Paths are absolute, because jobs start on other machines that share the filesystem.
/// </summary>
public sealed record StageOneSubmission
{
    public const string FileName = "submission.json";
    public const string ArrayScriptName = "train-array.sh";
    public const string RouterScriptName = "router.sh";
    public const string TaskListName = "tasks.tsv";

    public required string Name { get; init; }
    /// <summary>The <c>slurm</c> folder holding scripts, logs and this record.</summary>
    public required string Folder { get; init; }
    public required string WorkingDirectory { get; init; }
    /// <summary>The command that starts ttlora on the compute nodes, e.g. <c>["ttlora"]</c> or <c>["dotnet", ".../ttlora.dll"]</c>.</summary>
    public required IReadOnlyList<string> Launcher { get; init; }
    public required string Model { get; init; }
    public required string Registry { get; init; }
    public required IReadOnlyList<StageOneTask> Tasks { get; init; }
    /// <summary>Options every <c>train</c> call shares (adapter, rank, epochs, ...).</summary>
    public required IReadOnlyList<string> TrainArguments { get; init; }
    public required string RouterName { get; init; }
    /// <summary>Options for <c>route-train</c> (router kind, pooling, ...).</summary>
    public required IReadOnlyList<string> RouterArguments { get; init; }
    /// <summary>Options for <c>eval</c> after the router is trained.</summary>
    public required IReadOnlyList<string> EvalArguments { get; init; }
    public required SlurmResources Resources { get; init; }
    public DateTimeOffset Created { get; init; } = DateTimeOffset.UtcNow;
    public IReadOnlyList<SlurmAttempt> Attempts { get; init; } = [];

    public string ArrayScript => Path.Combine(Folder, ArrayScriptName);
    public string RouterScript => Path.Combine(Folder, RouterScriptName);
    public string TaskList => Path.Combine(Folder, TaskListName);
    public string LogFolder => Path.Combine(Folder, "logs");

    /// <summary>The log of array index <paramref name="index"/> in array job <paramref name="arrayJobId"/> (sbatch's <c>%a</c>, <c>%A</c>).</summary>
    public string TrainLog(int index, string arrayJobId) => Path.Combine(LogFolder, $"train-{index}-{arrayJobId}.out");

    /// <summary>The log of router job <paramref name="jobId"/> (sbatch's <c>%j</c>).</summary>
    public string RouterLog(string jobId) => Path.Combine(LogFolder, $"router-{jobId}.out");

    /// <summary>The folder of a submission named <paramref name="name"/> under <paramref name="runs"/>.</summary>
    public static string FolderOf(string runs, string name) => Path.Combine(Path.GetFullPath(runs), name, "slurm");

    public void Save() => AtomicFile.WriteAllText(Path.Combine(Folder, FileName), ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

    public static StageOneSubmission Load(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) throw TtLoraException.InFile(folder, $"no {FileName} here: not a submission written by `ttlora submit`");
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            return new StageOneSubmission
            {
                Name = (string)json["name"]!,
                Folder = Path.GetFullPath(folder),
                WorkingDirectory = (string)json["working_directory"]!,
                Launcher = Strings(json["launcher"]),
                Model = (string)json["model"]!,
                Registry = (string)json["registry"]!,
                Tasks = json["tasks"]!.AsArray().Select(t => StageOneTask.FromJson(t!)).ToArray(),
                TrainArguments = Strings(json["train_arguments"]),
                RouterName = (string)json["router"]!,
                RouterArguments = Strings(json["router_arguments"]),
                EvalArguments = Strings(json["eval_arguments"]),
                Resources = SlurmResources.FromJson(json["resources"]!.AsObject()),
                Created = DateTimeOffset.Parse((string)json["created"]!, System.Globalization.CultureInfo.InvariantCulture),
                Attempts = json["attempts"]!.AsArray().Select(a => SlurmAttempt.FromJson(a!)).ToArray(),
            };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            throw TtLoraException.InFile(path, $"not a readable submission record: {e.Message}");
        }
    }

    public JsonObject ToJson() => new()
    {
        ["name"] = Name,
        ["working_directory"] = WorkingDirectory,
        ["launcher"] = Json(Launcher),
        ["model"] = Model,
        ["registry"] = Registry,
        ["tasks"] = new JsonArray(Tasks.Select(t => (JsonNode?)t.ToJson()).ToArray()),
        ["train_arguments"] = Json(TrainArguments),
        ["router"] = RouterName,
        ["router_arguments"] = Json(RouterArguments),
        ["eval_arguments"] = Json(EvalArguments),
        ["resources"] = Resources.ToJson(),
        ["created"] = Created.ToString("O"),
        ["attempts"] = new JsonArray(Attempts.Select(a => (JsonNode?)a.ToJson()).ToArray()),
    };

    static JsonArray Json(IEnumerable<string> words) => new(words.Select(w => (JsonNode?)w).ToArray());
    static string[] Strings(JsonNode? node) => node!.AsArray().Select(w => (string)w!).ToArray();
}

using System.Text.Json.Nodes;

namespace TtLora.Core.Cluster;

/// <summary>Where one array index stands: Slurm's state for its latest run, and whether its expert is in the registry.</summary>
/// <param name="State">Slurm's JobState, or NOT_SUBMITTED, or UNKNOWN when Slurm forgot the job and no expert was written.</param>
/// <param name="JobId">ARRAYJOB_INDEX of the latest run, when submitted.</param>
/// <param name="LogTail">The last lines of the log, for runs that did not complete.</param>
public sealed record TaskJobStatus(StageOneTask Task, string State, string? JobId, string ExitCode, string Reason, bool InRegistry,
    string? LogPath, IReadOnlyList<string> LogTail)
{
    /// <summary>True when the task needs another run: it failed, or Slurm forgot it and its expert is missing.</summary>
    public bool NeedsRetry => State == StageOneStatus.Unknown || SlurmJobRecord.IsFailure(State) && State != StageOneStatus.NotSubmitted;

    public bool IsActive => State != StageOneStatus.NotSubmitted && State != StageOneStatus.Unknown && !SlurmJobRecord.IsFinished(State);

    public JsonObject ToJson() => new()
    {
        ["index"] = Task.Index,
        ["task"] = Task.Task,
        ["expert"] = Task.Expert,
        ["state"] = State,
        ["job"] = JobId,
        ["exit_code"] = ExitCode,
        ["reason"] = Reason,
        ["in_registry"] = InRegistry,
        ["log"] = LogPath,
        ["log_tail"] = new JsonArray(LogTail.Select(l => (JsonNode?)l).ToArray()),
    };
}

/// <summary>Where the router-and-eval job stands.</summary>
public sealed record RouterJobStatus(string State, string? JobId, string Reason, bool InRegistry, string? LogPath, IReadOnlyList<string> LogTail)
{
    public JsonObject ToJson() => new()
    {
        ["state"] = State,
        ["job"] = JobId,
        ["reason"] = Reason,
        ["in_registry"] = InRegistry,
        ["log"] = LogPath,
        ["log_tail"] = new JsonArray(LogTail.Select(l => (JsonNode?)l).ToArray()),
    };
}

/// <summary>A submission's state: every task and the router, from Slurm (<c>scontrol</c>) and the registry.</summary>
public sealed record StageOneStatus(StageOneSubmission Submission, IReadOnlyList<TaskJobStatus> Tasks, RouterJobStatus Router)
{
    public const string NotSubmitted = "NOT_SUBMITTED";
    public const string Unknown = "UNKNOWN";
    /// <summary>Lines of a failed job's log shown by <c>jobs</c>.</summary>
    public const int TailLines = 12;

    public static StageOneStatus Read(StageOneSubmission submission, SlurmClient slurm)
    {
        var known = new Dictionary<string, IReadOnlyList<SlurmJobRecord>>();
        IReadOnlyList<SlurmJobRecord> Show(string id) => known.TryGetValue(id, out var r) ? r : known[id] = slurm.Show(id);

        var tasks = new List<TaskJobStatus>();
        foreach (var task in submission.Tasks)
        {
            bool inRegistry = File.Exists(Path.Combine(submission.Registry, task.Expert, "expert.json"));
            var attempt = submission.Attempts.LastOrDefault(a => a.ArrayJobId is not null && a.Indices.Contains(task.Index));
            if (attempt is null)
            {
                tasks.Add(new(task, NotSubmitted, null, "", "", inRegistry, null, []));
                continue;
            }
            var record = Show(attempt.ArrayJobId!).FirstOrDefault(r => r.ArrayTaskIds.Contains(task.Index));
            var log = submission.TrainLog(task.Index, attempt.ArrayJobId!);
            // Slurm forgets finished jobs after MinJobAge; then the registry says whether the expert was written.
            var state = record?.State ?? (inRegistry ? "COMPLETED" : Unknown);
            var reason = record?.Reason ?? (inRegistry ? "expert in registry" : "Slurm no longer knows this job and the expert is missing");
            tasks.Add(new(task, state, $"{attempt.ArrayJobId}_{task.Index}", record?.ExitCode ?? "", reason, inRegistry, log,
                state == "COMPLETED" ? [] : Tail(log)));
        }

        bool routerInRegistry = Directory.Exists(Path.Combine(submission.Registry, "routers", submission.RouterName));
        var routerJob = submission.Attempts.LastOrDefault(a => a.RouterJobId is not null)?.RouterJobId;
        RouterJobStatus router;
        if (routerJob is null) router = new(NotSubmitted, null, "", routerInRegistry, null, []);
        else
        {
            var record = Show(routerJob).FirstOrDefault();
            var state = record?.State ?? (routerInRegistry ? "COMPLETED" : Unknown);
            var log = submission.RouterLog(routerJob);
            router = new(state, routerJob, record?.Reason ?? "", routerInRegistry, log, state == "COMPLETED" || state == "PENDING" ? [] : Tail(log));
        }
        return new StageOneStatus(submission, tasks, router);
    }

    static IReadOnlyList<string> Tail(string log)
    {
        if (!File.Exists(log)) return [];
        try
        {
            var lines = File.ReadAllLines(log);
            return lines.Skip(Math.Max(0, lines.Length - TailLines)).ToArray();
        }
        catch (IOException)
        {
            return [];
        }
    }

    public JsonObject ToJson() => new()
    {
        ["name"] = Submission.Name,
        ["folder"] = Submission.Folder,
        ["registry"] = Submission.Registry,
        ["tasks"] = new JsonArray(Tasks.Select(t => (JsonNode?)t.ToJson()).ToArray()),
        ["router"] = Router.ToJson(),
        ["attempts"] = Submission.Attempts.Count,
    };
}

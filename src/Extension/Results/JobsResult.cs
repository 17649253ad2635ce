using System.Text;
using System.Text.Json.Nodes;
using TtLora.Core.Cluster;
using TtLora.Extension.Display;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Results;

/// <summary><c>jobs NAME</c>: each task's state and job, the router's, and the log tail of every task that did not complete.</summary>
public sealed record JobsResult(StageOneStatus Status) : ICommandResult
{
    /// <summary>Counts by state, e.g. "2 completed, 1 failed".</summary>
    public string Summary => string.Join(", ", Status.Tasks.GroupBy(t => t.State).OrderBy(g => g.Key)
        .Select(g => $"{g.Count()} {g.Key.ToLowerInvariant().Replace('_', ' ')}"));

    public string RouterLine
    {
        get
        {
            var r = Status.Router;
            var reason = r.Reason is "" or "None" ? "" : $" ({r.Reason})";
            return r.JobId is null ? $"router {Status.Submission.RouterName}: not submitted" : $"router {Status.Submission.RouterName}: {r.State.ToLowerInvariant()}{reason}, job {r.JobId}";
        }
    }

    public string ToText()
    {
        var text = new StringBuilder();
        text.AppendLine($"\"{Status.Submission.Name}\": {Status.Tasks.Count} task(s), {Summary}; {RouterLine}");
        text.AppendLine($"  {"index",5} {"task",-20} {"expert",-28} {"state",-13} {"job",-12} {"exit",-6} registry");
        foreach (var t in Status.Tasks)
            text.AppendLine($"  {t.Task.Index,5} {t.Task.Task,-20} {t.Task.Expert,-28} {t.State,-13} {t.JobId ?? "-",-12} {(t.ExitCode == "" ? "-" : t.ExitCode),-6} {(t.InRegistry ? "yes" : "no")}");
        foreach (var t in Status.Tasks.Where(t => t.NeedsRetry))
        {
            text.AppendLine($"{t.Task.Task} {t.State.ToLowerInvariant()} (job {t.JobId}, exit {t.ExitCode}, {t.Reason}); log {t.LogPath}:");
            foreach (var line in t.LogTail) text.AppendLine($"  | {line}");
        }
        var r = Status.Router;
        if (r.LogTail.Count > 0 && r.State != "RUNNING")
        {
            text.AppendLine($"router log {r.LogPath}:");
            foreach (var line in r.LogTail) text.AppendLine($"  | {line}");
        }
        if (Status.Tasks.Any(t => t.NeedsRetry) || SlurmJobRecord.IsFailure(r.State) && r.State != StageOneStatus.NotSubmitted)
            text.AppendLine($"resubmit what failed with `ttlora submit --retry-failed {Status.Submission.Name}`");
        return text.ToString().TrimEnd();
    }

    public JsonNode ToJson() => Status.ToJson();

    public string ToHtml() => JobsView.ToHtml(this);
}

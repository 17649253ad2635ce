using System.Text;
using System.Text.Json.Nodes;
using TtLora.Core.Cluster;
using TtLora.Extension.Display;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Results;

/// <summary>
/// What <c>submit</c> did: the scripts it wrote, and the jobs of the round it submitted (none for --dry-run, whose
/// result carries the scripts' text so they can be checked before anything runs).
/// </summary>
public sealed record SubmissionResult(StageOneSubmission Submission, bool DryRun, string ArrayScript, string RouterScript,
    IReadOnlyList<string> RetriedTasks) : ICommandResult
{
    public SlurmAttempt? Round => DryRun ? null : Submission.Attempts.LastOrDefault();

    public string Headline
    {
        get
        {
            var s = Submission;
            if (DryRun) return $"\"{s.Name}\": {s.Tasks.Count} task(s) written, not submitted (--dry-run)";
            if (RetriedTasks.Count > 0 || s.Attempts.Count > 1)
                return RetriedTasks.Count > 0
                    ? $"\"{s.Name}\": resubmitted {RetriedTasks.Count} failed task(s) ({string.Join(", ", RetriedTasks)}) and the router"
                    : $"\"{s.Name}\": resubmitted the router";
            return $"\"{s.Name}\": submitted {s.Tasks.Count} task(s) as one array and the router after it";
        }
    }

    public string ToText()
    {
        var s = Submission;
        var text = new StringBuilder();
        text.AppendLine(Headline);
        text.AppendLine($"  folder     {s.Folder}");
        text.AppendLine($"  tasks      {string.Join(", ", s.Tasks.Select(t => $"{t.Index}:{t.Task}"))}");
        text.AppendLine($"  registry   {s.Registry} (router {s.RouterName})");
        var resources = s.Resources.Directives();
        text.AppendLine($"  resources  {(resources.Count == 0 ? "cluster defaults" : string.Join(" ", resources))}");
        if (Round is { } round)
        {
            if (round.ArrayJobId is not null) text.AppendLine($"  array job  {round.ArrayJobId} (indices {SlurmJobRecord.CompactIndices(round.Indices)})");
            if (round.RouterJobId is not null)
                text.AppendLine($"  router job {round.RouterJobId}{(round.ArrayJobId is null ? "" : $" (after {round.ArrayJobId} succeeds)")}");
            text.AppendLine($"  follow with `ttlora jobs {s.Name}`");
        }
        else
        {
            text.AppendLine($"--- {s.ArrayScript}");
            text.Append(ArrayScript);
            text.AppendLine($"--- {s.RouterScript}");
            text.Append(RouterScript);
        }
        return text.ToString().TrimEnd();
    }

    public JsonNode ToJson()
    {
        var json = new JsonObject
        {
            ["name"] = Submission.Name,
            ["dry_run"] = DryRun,
            ["folder"] = Submission.Folder,
            ["array_script"] = Submission.ArrayScript,
            ["router_script"] = Submission.RouterScript,
            ["tasks"] = new JsonArray(Submission.Tasks.Select(t => (JsonNode?)t.ToJson()).ToArray()),
            ["router"] = Submission.RouterName,
            ["resources"] = Submission.Resources.ToJson(),
            ["retried_tasks"] = new JsonArray(RetriedTasks.Select(t => (JsonNode?)t).ToArray()),
            ["round"] = Round?.ToJson(),
        };
        if (DryRun)
        {
            json["array_script_text"] = ArrayScript;
            json["router_script_text"] = RouterScript;
        }
        return json;
    }

    public string ToHtml() => SubmissionView.ToHtml(this);
}

using System.Globalization;
using TtLora.Core.Cluster;
using TtLora.Extension.Results;

namespace TtLora.Extension.Formatting;

/// <summary>HTML for <see cref="JobsResult"/> and <see cref="JobsOverviewResult"/>: states as highlighted cells, failed tasks' log tails below.</summary>
public static class JobsView
{
    public static string ToHtml(JobsResult result)
    {
        var status = result.Status;
        var output = new HtmlOutput();
        var table = new HtmlTable($"\"{status.Submission.Name}\": {status.Tasks.Count} task(s), {result.Summary}",
            "index", "task", "expert", "state", "job", "exit", "in registry");
        foreach (var t in status.Tasks)
            table.AddRow(t.Task.Index, t.Task.Task, t.Task.Expert, State(t.State, t.Reason), t.JobId ?? "-", t.ExitCode == "" ? "-" : t.ExitCode,
                HtmlCell.Text(t.InRegistry ? "yes" : "no", t.InRegistry ? Highlight.None : Highlight.Muted));
        output.Add(table.ToHtml());
        output.AddText(result.RouterLine, muted: status.Router.State != "COMPLETED");
        foreach (var t in status.Tasks.Where(t => t.NeedsRetry))
        {
            output.AddHeading($"{t.Task.Task}: {t.State.ToLowerInvariant()} (job {t.JobId}, exit {t.ExitCode})");
            output.AddText(t.LogPath ?? "", muted: true);
            output.Add("<div class=\"ttl-text\">" + Html.Encode(t.LogTail.Count == 0 ? "(no log)" : string.Join("\n", t.LogTail)) + "</div>");
        }
        if (status.Router.LogTail.Count > 0 && status.Router.State != "RUNNING")
        {
            output.AddHeading($"router: {status.Router.State.ToLowerInvariant()}");
            output.Add("<div class=\"ttl-text\">" + Html.Encode(string.Join("\n", status.Router.LogTail)) + "</div>");
        }
        if (status.Tasks.Any(t => t.NeedsRetry))
            output.AddText($"resubmit what failed with: ttlora submit --retry-failed {status.Submission.Name}", muted: true);
        return output.ToString();
    }

    public static string ToHtml(JobsOverviewResult result)
    {
        var output = new HtmlOutput();
        if (result.Submissions.Count == 0) return output.AddText($"no submissions in {result.Runs}", muted: true).ToString();
        var table = new HtmlTable($"{result.Submissions.Count} submission(s) in {result.Runs}", "name", "created", "tasks", "states", "router");
        foreach (var s in result.Submissions)
            table.AddRow(s.Status.Submission.Name, s.Status.Submission.Created.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                s.Status.Tasks.Count, HtmlCell.Text(s.Summary, s.Status.Tasks.Any(t => t.NeedsRetry) ? Highlight.Warn : Highlight.None),
                State(s.Status.Router.State, s.Status.Router.Reason));
        return output.Add(table.ToHtml()).ToString();
    }

    static HtmlCell State(string state, string reason)
    {
        var highlight = state == "COMPLETED" ? Highlight.Best
            : state == StageOneStatus.NotSubmitted ? Highlight.Muted
            : SlurmJobRecord.IsFailure(state) ? Highlight.Warn : Highlight.Chosen;
        return HtmlCell.Text(state.ToLowerInvariant().Replace('_', ' '), highlight).WithTooltip(reason is "" or "None" ? null : reason);
    }
}

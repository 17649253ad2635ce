using TtLora.Core.Cluster;
using TtLora.Extension.Results;

namespace TtLora.Extension.Formatting;

/// <summary>HTML for <see cref="SubmissionResult"/>: a card with the submission and its jobs, the task table, and for a dry run the scripts.</summary>
public static class SubmissionView
{
    public static string ToHtml(SubmissionResult result)
    {
        var s = result.Submission;
        var output = new HtmlOutput();
        var card = new KeyValueCard(result.Headline)
            .Add("folder", s.Folder)
            .Add("registry", s.Registry)
            .Add("router", s.RouterName);
        var resources = s.Resources.Directives();
        card.Add("resources", resources.Count == 0 ? HtmlCell.Text("cluster defaults", Highlight.Muted) : HtmlCell.Text(string.Join(" ", resources)));
        if (result.Round is { } round)
        {
            if (round.ArrayJobId is not null) card.Add("array job", $"{round.ArrayJobId} (indices {SlurmJobRecord.CompactIndices(round.Indices)})");
            if (round.RouterJobId is not null) card.Add("router job", round.ArrayJobId is null ? round.RouterJobId : $"{round.RouterJobId}, after {round.ArrayJobId} succeeds");
        }
        output.Add(card.ToHtml());
        var table = new HtmlTable("tasks (one array index each)", "index", "task", "expert");
        foreach (var t in s.Tasks)
            table.AddRow(t.Index, t.Task, HtmlCell.Text(t.Expert, result.RetriedTasks.Contains(t.Task) ? Highlight.Chosen : Highlight.None));
        output.Add(table.ToHtml());
        if (result.DryRun)
        {
            output.AddHeading(Path.GetFileName(s.ArrayScript));
            output.Add("<div class=\"ttl-text\">" + Html.Encode(result.ArrayScript) + "</div>");
            output.AddHeading(Path.GetFileName(s.RouterScript));
            output.Add("<div class=\"ttl-text\">" + Html.Encode(result.RouterScript) + "</div>");
        }
        else
        {
            output.AddText($"follow with: ttlora jobs {s.Name}", muted: true);
        }
        return output.ToString();
    }
}

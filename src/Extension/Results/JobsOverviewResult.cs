using System.Text;
using System.Text.Json.Nodes;
using TtLora.Extension.Display;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Results;

/// <summary><c>jobs</c> without a name: every submission under the runs folder, one line each.</summary>
public sealed record JobsOverviewResult(string Runs, IReadOnlyList<JobsResult> Submissions) : ICommandResult
{
    public string ToText()
    {
        if (Submissions.Count == 0) return $"no submissions in {Runs} (`ttlora submit` writes them)";
        var text = new StringBuilder();
        text.AppendLine($"{Submissions.Count} submission(s) in {Runs}");
        foreach (var s in Submissions)
            text.AppendLine($"  {s.Status.Submission.Name,-24} {s.Status.Submission.Created.UtcDateTime,-17:yyyy-MM-dd HH:mm} {s.Status.Tasks.Count} task(s): {s.Summary}; {s.RouterLine}");
        return text.ToString().TrimEnd();
    }

    public JsonNode ToJson() => new JsonObject
    {
        ["runs"] = Runs,
        ["submissions"] = new JsonArray(Submissions.Select(s => s.ToJson()).ToArray()),
    };

    public string ToHtml() => JobsView.ToHtml(this);
}

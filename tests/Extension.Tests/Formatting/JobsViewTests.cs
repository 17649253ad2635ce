using TtLora.Core.Cluster;
using TtLora.Extension.Results;

namespace TtLora.Extension.Tests.Formatting;

/// <summary>The jobs views: states per task, the failed task's log tail, the hint to retry; no type names anywhere.</summary>
public class JobsViewTests
{
    static JobsResult Sample()
    {
        var submission = new StageOneSubmission
        {
            Name = "five", Folder = "/runs/five/slurm", WorkingDirectory = "/work", Launcher = ["ttlora"], Model = "/models/base",
            Registry = "/registry", Tasks = [new(0, "spam", "spam-tt-lora"), new(1, "sotu-party", "sotu-party-tt-lora")],
            TrainArguments = [], RouterName = "five-router", RouterArguments = [], EvalArguments = [], Resources = new SlurmResources(),
            Attempts = [new SlurmAttempt("41", [0, 1], "42", DateTimeOffset.UnixEpoch)],
        };
        var status = new StageOneStatus(submission,
        [
            new(submission.Tasks[0], "COMPLETED", "41_0", "0:0", "None", true, "/runs/five/slurm/logs/train-0-41.out", []),
            new(submission.Tasks[1], "FAILED", "41_1", "1:0", "NonZeroExitCode", false, "/runs/five/slurm/logs/train-1-41.out",
                ["threads: 8 (SLURM_CPUS_PER_TASK=8)", "error: /data/x.jsonl: line 3: malformed <row>"]),
        ], new RouterJobStatus("CANCELLED", "42", "DependencyNeverSatisfied", false, "/runs/five/slurm/logs/router-42.out", []));
        return new JobsResult(status);
    }

    [Fact]
    public void TextShowsStatesTheFailedTasksLogTailAndTheRetryHint()
    {
        var text = Sample().ToText();
        Assert.StartsWith("\"five\": 2 task(s), 1 completed, 1 failed; router five-router: cancelled (DependencyNeverSatisfied), job 42", text);
        Assert.Contains("sotu-party failed (job 41_1, exit 1:0, NonZeroExitCode); log /runs/five/slurm/logs/train-1-41.out:", text);
        Assert.Contains("  | error: /data/x.jsonl: line 3: malformed <row>", text);
        Assert.Contains("ttlora submit --retry-failed five", text);
    }

    [Fact]
    public void HtmlEncodesTheLogAndMarksTheFailure()
    {
        var html = Sample().ToHtml();
        Assert.Contains("malformed &lt;row&gt;", html);
        Assert.Contains("hl-warn", html);
        Assert.Contains("sotu-party: failed (job 41_1, exit 1:0)", html);
        Assert.DoesNotContain("TtLora.", html);
        var json = Sample().ToJson();
        Assert.Equal("FAILED", (string)json["tasks"]![1]!["state"]!);
        Assert.Equal(2, json["tasks"]![1]!["log_tail"]!.AsArray().Count);
    }
}

using System.Diagnostics;
using TtLora.Extension.Results;

namespace TtLora.Extension.Tests;

/// <summary>
/// `submit --dry-run` writes the two batch scripts without a cluster: the resources and the pass-through options must
/// land in them, bad values must be refused before anything is written, and the scripts must be valid bash.
/// </summary>
public class SubmitCommandTests
{
    static string[] DryRun(TempFolder tmp, params string[] extra) =>
    [
        "submit", "--tasks", "spam,reuters-grain,fortune-category", "--model", CliHarness.TinyCheckpoint(tmp["base"]), "--registry", tmp["registry"],
        "--runs", tmp["runs"], "--name", "demo", "--ttlora", "ttlora", "--dry-run", .. extra,
    ];

    [Fact]
    public void DryRunScriptsCarryTheResourcesAndOptions()
    {
        using var tmp = new TempFolder();
        var outcome = CliHarness.Run(DryRun(tmp, "--partition", "gpu", "--time", "2:30:00", "--cpus-per-task", "4", "--gpus-per-task", "1", "--mem", "12G",
            "--epochs", "3", "--rank", "6", "--seed", "11", "--router", "noisy-top1", "--pooling", "mean", "--router-epochs", "7", "--no-baselines"));
        Assert.True(outcome.ExitCode == 0, outcome.Error);
        var result = Assert.IsType<SubmissionResult>(outcome.Results.Single().Result);
        Assert.True(result.DryRun);
        Assert.Null(result.Round);

        string folder = Path.Combine(tmp["runs"], "demo", "slurm");
        string array = File.ReadAllText(Path.Combine(folder, "train-array.sh"));
        string router = File.ReadAllText(Path.Combine(folder, "router.sh"));
        Assert.Equal(result.ArrayScript, array);
        foreach (var script in new[] { array, router })
        {
            foreach (var directive in new[] { "--partition=gpu", "--time=2:30:00", "--cpus-per-task=4", "--gpus-per-task=1", "--mem=12G" })
                Assert.Contains($"#SBATCH {directive}\n", script);
            Assert.Contains($"--model {tmp["base"]}", script);
            Assert.Contains($"--registry {tmp["registry"]}", script);
        }
        Assert.Contains("#SBATCH --array=0-2\n", array);
        Assert.Contains("  2) task=(--task fortune-category --name fortune-category-tt-lora) ;;", array);
        Assert.Contains("exec ttlora train \"${task[@]}\"", array);
        Assert.Contains("--rank 6 --epochs 3 --seed 11", array);
        Assert.DoesNotContain("--pooling", array);
        Assert.Contains("ttlora route-train --experts spam-tt-lora,reuters-grain-tt-lora,fortune-category-tt-lora --name demo-router", router);
        Assert.Contains("--router noisy-top1 --pooling mean --epochs 7", router);
        Assert.Contains("ttlora eval --router demo-router", router);
        Assert.Contains("--no-baselines", router);
        Assert.Contains("not submitted (--dry-run)", result.ToText());
        Assert.Contains("#SBATCH --mem=12G", result.ToText());
        Assert.Equal(array, (string)result.ToJson()["array_script_text"]!);
        var html = result.ToHtml();
        Assert.Contains("train-array.sh", html);
        Assert.Contains("--gpus-per-task=1", html);
        Assert.DoesNotContain("TtLora.", html);

        // Both scripts parse as bash.
        foreach (var script in new[] { "train-array.sh", "router.sh" })
        {
            var check = Process.Start(new ProcessStartInfo("bash", ["-n", Path.Combine(folder, script)]) { RedirectStandardError = true })!;
            string errors = check.StandardError.ReadToEnd();
            check.WaitForExit();
            Assert.True(check.ExitCode == 0, $"{script}: {errors}");
        }

        // A dry run can be redone (nothing was submitted); the jobs view lists its tasks as not submitted.
        Assert.Equal(0, CliHarness.Run(DryRun(tmp, "--cpus-per-task", "2")).ExitCode);
        Assert.Contains("#SBATCH --cpus-per-task=2\n", File.ReadAllText(Path.Combine(folder, "train-array.sh")));
    }

    [Fact]
    public void DefaultsLeaveResourcesToTheCluster()
    {
        using var tmp = new TempFolder();
        var outcome = CliHarness.Run(DryRun(tmp));
        Assert.True(outcome.ExitCode == 0, outcome.Error);
        var array = ((SubmissionResult)outcome.Results.Single().Result).ArrayScript;
        Assert.DoesNotContain("--partition", array);
        Assert.DoesNotContain("--mem", array);
        Assert.DoesNotContain("--gpus", array);
        Assert.Contains("cluster defaults", outcome.Results.Single().Result.ToText());
    }

    [Theory]
    [InlineData("--time", "soon", "--time:")]
    [InlineData("--mem", "much", "--mem:")]
    [InlineData("--cpus-per-task", "0", "--cpus-per-task:")]
    [InlineData("--pooling", "max", "route-train options would be rejected")]
    [InlineData("--router", "magic", "route-train options would be rejected")]
    public void BadValuesAreRefusedBeforeAnythingIsWritten(string option, string value, string message)
    {
        using var tmp = new TempFolder();
        var outcome = CliHarness.Run(DryRun(tmp, option, value));
        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains(message, outcome.Error);
        Assert.Single(outcome.Error.Trim().Split('\n'));
        Assert.False(Directory.Exists(tmp["runs"]));
    }

    [Fact]
    public void UnknownTasksAndMissingTaskListsAreUsageErrors()
    {
        using var tmp = new TempFolder();
        var unknown = CliHarness.Run(["submit", "--tasks", "spam,nope", "--model", CliHarness.TinyCheckpoint(tmp["base"]), "--runs", tmp["runs"], "--ttlora", "ttlora", "--dry-run"]);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("\"nope\"", unknown.Error);
        var none = CliHarness.Run(["submit", "--model", tmp["base"], "--dry-run"]);
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("--tasks a,b,c or --task-file", none.Error);
        var file = tmp.Write("tasks.txt", "# demo\nspam\n\nreuters-grain extra\n");
        var bad = CliHarness.Run(["submit", "--task-file", file, "--model", tmp["base"], "--runs", tmp["runs"], "--ttlora", "ttlora", "--dry-run"]);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("tasks.txt: line 4", bad.Error);
    }

    [Fact]
    public void JobsListsDryRunsAsNotSubmitted()
    {
        using var tmp = new TempFolder();
        Assert.Equal(0, CliHarness.Run(DryRun(tmp)).ExitCode);
        var jobs = CliHarness.Run("jobs", "demo", "--runs", tmp["runs"]);
        Assert.True(jobs.ExitCode == 0, jobs.Error);
        var result = Assert.IsType<JobsResult>(jobs.Results.Single().Result);
        Assert.All(result.Status.Tasks, t => Assert.Equal("NOT_SUBMITTED", t.State));
        Assert.Contains("3 not submitted", result.ToText());
        var retry = CliHarness.Run("submit", "--retry-failed", "demo", "--runs", tmp["runs"]);
        Assert.Equal(1, retry.ExitCode);
        Assert.Contains("never submitted", retry.Error);
        var overview = CliHarness.Run("jobs", "--runs", tmp["runs"]);
        Assert.Contains("1 submission(s)", overview.Results.Single().Result.ToText());
        var missing = CliHarness.Run("jobs", "other", "--runs", tmp["runs"]);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("not a submission", missing.Error);
    }
}

using System.Text;

namespace TtLora.Core.Cluster;

/// <summary>
/// The two batch scripts of a stage-one submission: an array script (one <c>ttlora train</c> per index, the task
/// chosen by <c>SLURM_ARRAY_TASK_ID</c>) and a router-and-eval script that runs once the whole array succeeded.
/// Both are plain bash with <c>#SBATCH</c> lines, so a user can read, edit and resubmit them by hand.
/// </summary>
public static class StageOneScripts
{
    /// <summary>Writes both scripts into the submission's folder (atomically, executable) and returns their text.</summary>
    public static (string Array, string Router) Write(StageOneSubmission submission)
    {
        Directory.CreateDirectory(submission.LogFolder);
        var array = ArrayScript(submission);
        var router = RouterScript(submission);
        WriteExecutable(submission.ArrayScript, array);
        WriteExecutable(submission.RouterScript, router);
        return (array, router);
    }

    public static string ArrayScript(StageOneSubmission s)
    {
        var text = new StringBuilder();
        text.Append("#!/usr/bin/env bash\n");
        text.Append($"# Stage one of \"{s.Name}\": one expert per array index, written by `ttlora submit`.\n");
        text.Append($"# Rerun only the failed indices with `ttlora submit --retry-failed {s.Name}`.\n");
        text.Append($"#SBATCH --job-name={s.Name}-train\n");
        text.Append($"#SBATCH --array=0-{s.Tasks.Count - 1}\n");
        text.Append($"#SBATCH --output={Path.Combine(s.LogFolder, "train-%a-%A.out")}\n");
        text.Append($"#SBATCH --chdir={s.WorkingDirectory}\n");
        foreach (var directive in s.Resources.Directives()) text.Append($"#SBATCH {directive}\n");
        text.Append("set -euo pipefail\n");
        text.Append("case \"${SLURM_ARRAY_TASK_ID:?submit this script with sbatch --array}\" in\n");
        foreach (var task in s.Tasks)
        {
            var words = new List<string> { "--task", task.Task, "--name", task.Expert };
            text.Append($"  {task.Index}) task=({ShellQuote.Words(words)}) ;;\n");
        }
        text.Append("  *) echo \"no task for array index $SLURM_ARRAY_TASK_ID\" >&2; exit 2 ;;\n");
        text.Append("esac\n");
        var command = s.Launcher.Concat(["train"]);
        var shared = new List<string> { "--model", s.Model, "--registry", s.Registry };
        shared.AddRange(s.TrainArguments);
        text.Append($"exec {ShellQuote.Words(command)} \"${{task[@]}}\" {ShellQuote.Words(shared)}\n");
        return text.ToString();
    }

    public static string RouterScript(StageOneSubmission s)
    {
        var text = new StringBuilder();
        text.Append("#!/usr/bin/env bash\n");
        text.Append($"# Stage two of \"{s.Name}\": the router over every expert of the array, then its evaluation.\n");
        text.Append("# Submitted with --dependency=afterok on the array, so it starts only when every expert is in the registry.\n");
        text.Append($"#SBATCH --job-name={s.Name}-router\n");
        text.Append($"#SBATCH --output={Path.Combine(s.LogFolder, "router-%j.out")}\n");
        text.Append($"#SBATCH --chdir={s.WorkingDirectory}\n");
        foreach (var directive in s.Resources.Directives()) text.Append($"#SBATCH {directive}\n");
        text.Append("set -euo pipefail\n");
        var location = new List<string> { "--model", s.Model, "--registry", s.Registry };
        var train = new List<string>(s.Launcher) { "route-train", "--experts", string.Join(',', s.Tasks.Select(t => t.Expert)), "--name", s.RouterName };
        train.AddRange(location);
        train.AddRange(s.RouterArguments);
        text.Append(ShellQuote.Words(train)).Append('\n');
        var eval = new List<string>(s.Launcher) { "eval", "--router", s.RouterName };
        eval.AddRange(location);
        eval.AddRange(s.EvalArguments);
        text.Append(ShellQuote.Words(eval)).Append('\n');
        return text.ToString();
    }

    static void WriteExecutable(string path, string text)
    {
        AtomicFile.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }
}

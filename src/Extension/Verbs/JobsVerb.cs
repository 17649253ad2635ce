using System.CommandLine;
using TtLora.Core.Cluster;
using TtLora.Extension.Results;

namespace TtLora.Extension.Verbs;

/// <summary>
/// <c>jobs [NAME]</c>: where a submission stands — each task's Slurm state (from <c>scontrol</c>, and from the registry
/// once Slurm has forgotten the job), the router's, and the tail of every failed task's log; without a name, every
/// submission under the runs folder.
/// </summary>
internal static class JobsVerb
{
    public static Command Build(CommandContext context)
    {
        var name = new Argument<string?>("NAME") { Description = "Submission name (default: list every submission)", Arity = ArgumentArity.ZeroOrOne };
        var runs = new Option<string>("--runs") { Description = "Folder of submissions", DefaultValueFactory = _ => SubmitVerb.DefaultRuns, HelpName = "DIR" };
        var json = CommonOptions.Json();
        var command = new Command("jobs", "State of submitted stage-one jobs, with the log tail of failed tasks") { name, runs, json };
        command.SetAction(parse =>
        {
            var slurm = new SlurmClient();
            var root = parse.GetValue(runs)!;
            if (parse.GetValue(name) is string one)
            {
                var submission = StageOneSubmission.Load(StageOneSubmission.FolderOf(root, one));
                context.Emit(new JobsResult(StageOneStatus.Read(submission, slurm)), parse.GetValue(json));
                return 0;
            }
            var all = Directory.Exists(root)
                ? Directory.GetDirectories(root).Order(StringComparer.Ordinal)
                    .Select(d => Path.Combine(d, "slurm"))
                    .Where(d => File.Exists(Path.Combine(d, StageOneSubmission.FileName)))
                    .Select(d => new JobsResult(StageOneStatus.Read(StageOneSubmission.Load(d), slurm)))
                    .ToArray()
                : [];
            context.Emit(new JobsOverviewResult(Path.GetFullPath(root), all), parse.GetValue(json));
            return 0;
        });
        return command;
    }
}

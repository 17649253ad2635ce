using System.CommandLine;
using System.Globalization;
using System.Reflection;
using TtLora.Core;
using TtLora.Core.Cluster;
using TtLora.Core.Data;
using TtLora.Core.Registry;
using TtLora.Core.Training;
using TtLora.Extension.Results;

namespace TtLora.Extension.Verbs;

/// <summary>
/// <c>submit</c>: stage one as a Slurm job array (one <c>train</c> per task) plus a dependent router-and-eval job,
/// written to <c>RUNS/NAME/slurm/</c> and submitted with <c>sbatch</c>; <c>--retry-failed NAME</c> resubmits only
/// what failed. The train and router options are passed through unchanged and checked against those verbs' own grammar
/// before anything is written.
/// </summary>
internal static class SubmitVerb
{
    public const string DefaultRuns = "runs";

    public static Command Build(CommandContext context)
    {
        var tasks = new Option<string?>("--tasks") { Description = "Tasks, comma-separated (demo tasks)", HelpName = "a,b,c" };
        var taskFile = new Option<string?>("--task-file") { Description = "A file with one task name per line", HelpName = "FILE" };
        var name = new Option<string?>("--name") { Description = "Submission name: its folder is RUNS/NAME/slurm (default stage-one-DATE-TIME)", HelpName = "NAME" };
        var runs = new Option<string>("--runs") { Description = "Folder of submissions", DefaultValueFactory = _ => DefaultRuns, HelpName = "DIR" };
        var retry = new Option<string?>("--retry-failed") { Description = "Resubmit only the failed tasks of submission NAME, and its router", HelpName = "NAME" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Write and print the scripts without submitting" };
        var scheduler = new Option<string>("--scheduler") { Description = "Job scheduler", DefaultValueFactory = _ => "slurm", HelpName = "slurm" };
        scheduler.AcceptOnlyFromAmong("slurm");
        var partition = new Option<string?>("--partition") { Description = "Slurm partition", HelpName = "P" };
        var time = new Option<string?>("--time") { Description = "Time limit per job (Slurm format, e.g. 30, 1:30:00, 1-00)", HelpName = "T" };
        var cpus = new Option<int?>("--cpus-per-task") { Description = "CPUs per job; each job's libtorch uses exactly these", HelpName = "N" };
        var gpus = new Option<int?>("--gpus-per-task") { Description = "GPUs per job (needs the CUDA build on the nodes)", HelpName = "N" };
        var mem = new Option<string?>("--mem") { Description = "Memory per job, e.g. 8G", HelpName = "M" };
        var launcher = new Option<string?>("--ttlora") { Description = "Command that starts ttlora on the nodes, words separated by spaces (default: how this ttlora was started)", HelpName = "CMD" };
        var model = CommonOptions.Model();
        var registry = CommonOptions.Registry();
        var json = CommonOptions.Json();

        // Passed to every `train` call.
        var train = new PassThrough();
        var adapter = CommonOptions.AdapterKind(new ExpertTrainingOptions().Adapter);
        train.Add(adapter, "--adapter");
        train.Add(new Option<int?>("--rank") { Description = "As for train", HelpName = "R" }, "--rank");
        train.Add(new Option<double?>("--alpha") { Description = "As for train", HelpName = "A" }, "--alpha");
        train.Add(new Option<string?>("--targets") { Description = "As for train", HelpName = "LIST" }, "--targets");
        train.Add(new Option<string?>("--layers") { Description = "As for train", HelpName = "SPEC" }, "--layers");
        train.Add(new Option<int?>("--epochs") { Description = "As for train", HelpName = "N" }, "--epochs");
        train.Add(new Option<double?>("--lr") { Description = "As for train", HelpName = "X" }, "--lr");
        train.Add(new Option<int?>("--batch-size") { Description = "As for train", HelpName = "N" }, "--batch-size");
        train.Add(new Option<int?>("--patience") { Description = "As for train", HelpName = "N" }, "--patience");
        train.Add(new Option<int?>("--max-length") { Description = "As for train", HelpName = "N" }, "--max-length");
        train.Add(new Option<int?>("--max-train-examples") { Description = "As for train", HelpName = "N" }, "--max-train-examples");
        train.Add(new Option<long?>("--seed") { Description = "As for train", HelpName = "S" }, "--seed");
        train.AddFlag(new Option<bool>("--train-head") { Description = "As for train" }, "--train-head");
        var device = CommonOptions.Device();
        train.Add(device, "--device");
        // Passed to `route-train` (and --device to eval too).
        var router = new PassThrough();
        router.Add(new Option<string?>("--router") { Description = "Router kind, as for route-train", HelpName = "KIND" }, "--router");
        router.Add(new Option<string?>("--pooling") { Description = "As for route-train", HelpName = "last|mean" }, "--pooling");
        router.Add(new Option<int?>("--route-from-layer") { Description = "As for route-train", HelpName = "K" }, "--route-from-layer");
        router.Add(new Option<int?>("--router-epochs") { Description = "route-train --epochs", HelpName = "N" }, "--epochs");
        router.Add(new Option<double?>("--router-lr") { Description = "route-train --lr", HelpName = "X" }, "--lr");
        router.Add(new Option<int?>("--router-max-length") { Description = "route-train --max-length", HelpName = "N" }, "--max-length");
        router.Add(new Option<string?>("--mix") { Description = "As for route-train", HelpName = "balanced|proportional|capped" }, "--mix");
        router.Add(new Option<int?>("--cap") { Description = "As for route-train", HelpName = "N" }, "--cap");
        var eval = new PassThrough();
        eval.Add(new Option<int?>("--eval-max-examples") { Description = "eval --max-examples", HelpName = "N" }, "--max-examples");
        eval.AddFlag(new Option<bool>("--no-baselines") { Description = "As for eval" }, "--no-baselines");

        var command = new Command("submit", "Stage one on a Slurm cluster: one array task per expert, then the router and its evaluation as a dependent job")
        {
            tasks, taskFile, name, runs, retry, dryRun, scheduler, partition, time, cpus, gpus, mem, launcher, model, registry, json,
        };
        foreach (var option in train.Options.Concat(router.Options).Concat(eval.Options)) command.Add(option);
        command.Validators.Add(r =>
        {
            if (r.GetValue(retry) is not null)
            {
                if (r.GetValue(tasks) is not null || r.GetValue(taskFile) is not null) r.AddError("--retry-failed resubmits an existing submission: give no --tasks or --task-file");
            }
            else if ((r.GetValue(tasks) is null) == (r.GetValue(taskFile) is null)) r.AddError("give either --tasks a,b,c or --task-file FILE");
        });
        command.SetAction(parse =>
        {
            var slurm = new SlurmClient();
            if (parse.GetValue(retry) is string retryName)
            {
                var existing = StageOneSubmission.Load(StageOneSubmission.FolderOf(parse.GetValue(runs)!, retryName));
                var updated = StageOneJobs.RetryFailed(existing, slurm, out var before);
                var retried = before.Tasks.Where(t => t.NeedsRetry).Select(t => t.Task.Task).ToArray();
                context.Emit(new SubmissionResult(updated, false, File.ReadAllText(updated.ArrayScript), File.ReadAllText(updated.RouterScript), retried), parse.GetValue(json));
                return 0;
            }

            var submissionName = parse.GetValue(name) ?? $"stage-one-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}";
            ExpertRegistry.ValidateName(submissionName);
            var folder = StageOneSubmission.FolderOf(parse.GetValue(runs)!, submissionName);
            if (File.Exists(Path.Combine(folder, StageOneSubmission.FileName)) && StageOneSubmission.Load(folder).Attempts.Count > 0)
                throw new TtLoraException($"--name: \"{submissionName}\" was already submitted ({folder}); use --retry-failed {submissionName} or another --name");
            var resources = new SlurmResources
            {
                Partition = parse.GetValue(partition), Time = parse.GetValue(time), CpusPerTask = parse.GetValue(cpus),
                GpusPerTask = parse.GetValue(gpus), Memory = parse.GetValue(mem),
            }.Validated();

            var adapterKind = parse.GetValue(adapter)!;
            var list = parse.GetValue(taskFile) is string file ? StageOneTask.ReadFile(file) : CommonOptions.SplitList(parse.GetValue(tasks));
            if (list.Count == 0) throw new TtLoraException("--tasks: no task names given");
            var unknown = list.Where(t => !DemoSuite.TaskNames.Contains(t)).ToList();
            if (unknown.Count > 0)
                throw new TtLoraException($"{(parse.GetValue(taskFile) is null ? "--tasks" : "--task-file")}: {string.Join(", ", unknown.Select(t => $"\"{t}\""))} not demo task(s) ({string.Join(", ", DemoSuite.TaskNames)}); the router step reads its data from the demo suite");
            var duplicate = list.GroupBy(t => t).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null) throw new TtLoraException($"task \"{duplicate.Key}\" is listed twice; each task gets one expert");
            var taskList = list.Select((t, i) => new StageOneTask(i, t, $"{t}-{adapterKind}")).ToArray();
            foreach (var t in taskList) ExpertRegistry.ValidateName(t.Expert);

            var submission = new StageOneSubmission
            {
                Name = submissionName,
                Folder = folder,
                WorkingDirectory = Directory.GetCurrentDirectory(),
                Launcher = parse.GetValue(launcher) is string l ? l.Split(' ', StringSplitOptions.RemoveEmptyEntries) : DefaultLauncher(),
                Model = Path.GetFullPath(CommonOptions.RequireBaseModel(parse.GetValue(model), context)),
                Registry = Path.GetFullPath(parse.GetValue(registry) ?? context.Registry),
                Tasks = taskList,
                TrainArguments = train.Arguments(parse),
                RouterName = $"{submissionName}-router",
                RouterArguments = [.. router.Arguments(parse), .. DeviceArguments(parse.GetValue(device))],
                EvalArguments = [.. eval.Arguments(parse), .. DeviceArguments(parse.GetValue(device))],
                Resources = resources,
            };
            if (submission.Launcher.Count == 0) throw new TtLoraException("--ttlora: give the command that starts ttlora, e.g. --ttlora ttlora");
            CheckGrammar(submission);

            var (arrayText, routerText) = StageOneScripts.Write(submission);
            submission.Save();
            if (!parse.GetValue(dryRun)) submission = StageOneJobs.Submit(submission, slurm);
            context.Emit(new SubmissionResult(submission, parse.GetValue(dryRun), arrayText, routerText, []), parse.GetValue(json));
            return 0;
        });
        return command;
    }

    static IEnumerable<string> DeviceArguments(string? device) => device is null ? [] : ["--device", device];

    /// <summary>Parses the command lines the jobs will run with the real verbs, so a bad option fails now, not on the cluster.</summary>
    static void CheckGrammar(StageOneSubmission s)
    {
        var root = CommandSet.Build(new CommandContext());
        var first = s.Tasks[0];
        string[] trainLine = ["train", "--task", first.Task, "--name", first.Expert, "--model", s.Model, "--registry", s.Registry, .. s.TrainArguments];
        string[] routerLine = ["route-train", "--experts", string.Join(',', s.Tasks.Select(t => t.Expert)), "--name", s.RouterName, "--model", s.Model, "--registry", s.Registry, .. s.RouterArguments];
        string[] evalLine = ["eval", "--router", s.RouterName, "--model", s.Model, "--registry", s.Registry, .. s.EvalArguments];
        foreach (var line in new[] { trainLine, routerLine, evalLine })
        {
            var errors = root.Parse(line).Errors;
            if (errors.Count > 0) throw new TtLoraException($"the {line[0]} options would be rejected on the cluster: {string.Join("; ", errors.Select(e => string.Join(" ", e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))))}");
        }
    }

    /// <summary>The command that started this process, when it is ttlora itself (the apphost, or dotnet with ttlora.dll).</summary>
    static IReadOnlyList<string> DefaultLauncher()
    {
        var process = Environment.ProcessPath;
        var entry = Assembly.GetEntryAssembly()?.Location;
        if (process is not null && Path.GetFileNameWithoutExtension(process) == "ttlora") return [process];
        if (process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet" && entry is not null && Path.GetFileName(entry) == "ttlora.dll")
            return [process, entry];
        throw new TtLoraException("--ttlora: this process is not the ttlora executable, so the jobs cannot start it the same way; give the command, e.g. --ttlora ttlora");
    }

    /// <summary>Options of another verb that submit accepts and forwards unchanged (under that verb's own name).</summary>
    sealed class PassThrough
    {
        readonly List<(Option Option, string Target, Func<ParseResult, string?> Value)> _entries = [];

        public IReadOnlyList<Option> Options => _entries.Select(e => e.Option).ToArray();

        public void Add<T>(Option<T> option, string target) =>
            _entries.Add((option, target, parse => parse.GetValue(option) is { } value ? Convert.ToString(value, CultureInfo.InvariantCulture) : null));

        public void AddFlag(Option<bool> option, string target) => _entries.Add((option, target, _ => null));

        public IReadOnlyList<string> Arguments(ParseResult parse)
        {
            var words = new List<string>();
            foreach (var (option, target, value) in _entries)
            {
                // Only what the user typed: the target verb applies its own defaults.
                if (parse.GetResult(option) is not { Implicit: false }) continue;
                if (option is Option<bool> flag)
                {
                    if (parse.GetValue(flag)) words.Add(target);
                }
                else if (value(parse) is string text)
                {
                    words.Add(target);
                    words.Add(text);
                }
            }
            return words;
        }
    }
}

using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using TtLora.Core;
using TtLora.Core.Data;
using TtLora.Core.Demo;
using TtLora.Core.Training;
using TtLora.Extension.Results;

namespace TtLora.Extension.Verbs;

/// <summary>
/// <c>demo</c>: the main job on the embedded default, offline — fetch the demo corpora, pretrain (or reuse) the base,
/// train one TT-LoRA expert per task, train the router, evaluate, and write report.html + results.json.
/// Idempotent and resumable: every finished artefact is reused unless --force.
/// </summary>
internal static class DemoVerb
{
    public static Command Build(CommandContext context)
    {
        var output = new Option<string>("--out") { Description = "Working folder (base model, registry, report)", DefaultValueFactory = _ => Path.Combine("runs", "demo"), HelpName = "DIR" };
        var quick = new Option<bool>("--quick") { Description = "Tiny base and capped data: a couple of minutes instead of about twenty" };
        var force = new Option<bool>("--force") { Description = "Redo every step instead of reusing finished ones" };
        var tasks = new Option<string?>("--tasks") { Description = $"Demo tasks to use (default: all of {string.Join(", ", DemoSuite.TaskNames)})", HelpName = "LIST" };
        var json = CommonOptions.Json();
        var command = new Command("demo", "The offline demo: demo corpora -> pretrained base -> one TT-LoRA expert per task -> router -> evaluation report")
            { output, quick, force, tasks, json };
        command.SetAction(parse =>
        {
            var clock = Stopwatch.StartNew();
            string dir = parse.GetValue(output)!;
            var settings = parse.GetValue(quick) ? DemoSettings.QuickRun(dir) : DemoSettings.Full(dir);
            if (parse.GetValue(tasks) is string list)
            {
                var chosen = CommonOptions.SplitList(list);
                if (chosen.FirstOrDefault(t => !DemoSuite.TaskNames.Contains(t)) is string unknown)
                    throw new TtLoraException($"--tasks: \"{unknown}\" is not a demo task ({string.Join(", ", DemoSuite.TaskNames)})");
                if (chosen.Count < 2) throw new TtLoraException("--tasks: routing needs at least two tasks");
                settings = settings with { Tasks = chosen };
            }
            bool redo = parse.GetValue(force);
            var log = new List<string>();
            void Say(string line) { log.Add(line); context.Log(line); }
            var progress = new CallbackProgress<TrainingProgress>(context.Progress);

            var one = DemoStageOne.Run(settings, redo, Say, progress, context.Cancellation);
            var splits = settings.Tasks.Select(t => DemoSuite.Load(t)).ToArray();
            var evaluation = DemoStageTwo.Run(settings, one.Experts, splits, redo, Say, progress, context.Cancellation);

            string report = Path.GetFullPath(Path.Combine(dir, "report.html"));
            string results = Path.GetFullPath(Path.Combine(dir, "results.json"));
            var result = new DemoRunResult(log, one.Base, one.Tasks, one.Experts, evaluation, clock.Elapsed, report, results);
            AtomicFile.WriteAllText(report, result.ReportPage());
            var resultJson = result.ToJson().AsObject();
            resultJson["settings"] = settings.ToJson();
            AtomicFile.WriteAllText(results, resultJson.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            context.Emit(result, parse.GetValue(json));
            return 0;
        });
        return command;
    }
}

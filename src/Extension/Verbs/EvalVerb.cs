using System.CommandLine;
using TtLora.Core;
using TtLora.Core.Data;
using TtLora.Core.Registry;
using TtLora.Core.Routing;
using TtLora.Core.Training;
using TtLora.Extension.Results;

namespace TtLora.Extension.Verbs;

/// <summary>
/// <c>eval</c>: a router on held-out data — routing accuracy and confusion, routed vs oracle vs uniform-merge vs
/// multi-task accuracy, and each method's cost; saved as eval.json next to the router.
/// </summary>
internal static class EvalVerb
{
    public static Command Build(CommandContext context)
    {
        var router = new Option<string>("--router") { Description = "Router name (REGISTRY/routers/NAME)", Required = true, HelpName = "NAME" };
        var tasks = new Option<string?>("--tasks") { Description = "Evaluate on these of the router's tasks (default: all)", HelpName = "LIST" };
        var split = new Option<string>("--split") { Description = "Held-out split", DefaultValueFactory = _ => "test", HelpName = "test|validation" };
        split.AcceptOnlyFromAmong("test", "validation");
        var maxExamples = new Option<int?>("--max-examples") { Description = "At most N examples per task (a seeded random subset)", HelpName = "N" };
        var batch = new Option<int>("--batch-size") { Description = "Examples per batch", DefaultValueFactory = _ => 32, HelpName = "N" };
        var noisy = new Option<bool>("--noisy-inference") { Description = "Add the router's learned noise, as the reference does at inference" };
        var noBaselines = new Option<bool>("--no-baselines") { Description = "Skip the uniform-merge and multi-task baselines (the latter trains an adapter on first use)" };
        var model = CommonOptions.Model();
        var registry = CommonOptions.Registry();
        var device = CommonOptions.Device();
        var json = CommonOptions.Json();
        var command = new Command("eval", "Evaluate a router: routing accuracy, confusion, routed vs oracle vs baselines, cost")
        {
            router, tasks, split, maxExamples, batch, noisy, noBaselines, model, registry, device, json,
        };
        command.SetAction(parse =>
        {
            var root = new ExpertRegistry(parse.GetValue(registry) ?? context.Registry);
            var dev = DeviceSelector.Resolve(parse.GetValue(device) ?? context.Device);
            using var routed = RoutedModel.Open(root, parse.GetValue(router)!, parse.GetValue(model) ?? context.Model, dev);
            var config = routed.Config;
            var chosen = parse.GetValue(tasks) is string list ? CommonOptions.SplitList(list) : config.Tasks;
            if (chosen.FirstOrDefault(t => !config.Tasks.Contains(t)) is string unknown)
                throw new TtLoraException($"--tasks: router \"{config.Name}\" routes {string.Join(", ", config.Tasks)}, not \"{unknown}\"");
            var data = RouteTrainVerb.LoadTasks(chosen);
            MultiTaskBaseline? multiTask = null;
            ExpertMixture? merged = null;
            try
            {
                if (!parse.GetValue(noBaselines))
                {
                    var manifests = config.Experts.Select(root.Get).ToArray();
                    multiTask = MultiTaskBaseline.Ensure(routed.BaseModelDir, root, manifests, RouteTrainVerb.LoadTasks(config.Tasks), dev,
                        new CallbackProgress<TrainingProgress>(context.Progress), context.Cancellation);
                    merged = ExpertMixture.Load(root, config.Experts, routed.BaseModelDir, dev, withUniformMerge: true);
                }
                var options = new RouterEvaluationOptions
                {
                    Split = parse.GetValue(split) == "validation" ? DataSplit.Validation : DataSplit.Test,
                    MaxExamplesPerTask = parse.GetValue(maxExamples), BatchSize = parse.GetValue(batch), NoisyInference = parse.GetValue(noisy),
                };
                if (options.BatchSize < 1) throw new TtLoraException($"--batch-size must be at least 1, got {options.BatchSize}");
                var evaluation = RouterEvaluator.Evaluate(routed, data, options, merged, multiTask, new CallbackProgress<TrainingProgress>(context.Progress), context.Cancellation);
                string folder = new RouterStore(root).PathOf(config.Name);
                evaluation.Save(folder);
                // The experts' majority-class accuracy is the floor each task's bars are read against.
                var majority = config.Experts.Select(root.Get).GroupBy(m => m.Task).ToDictionary(g => g.Key, g => g.First().MajorityBaseline);
                context.Emit(new EvaluationResult(evaluation, Path.Combine(folder, RouterStore.EvaluationFileName), majority), parse.GetValue(json));
            }
            finally
            {
                multiTask?.Dispose();
                merged?.Dispose();
            }
            return 0;
        });
        return command;
    }
}

using TtLora.Core.Benchmarks;
using System.CommandLine;
using TtLora.Core.Registry;
using TtLora.Core.Routing;
using TtLora.Extension.Results;

namespace TtLora.Extension.Verbs;

/// <summary>
/// <c>bench routing</c>: measured cost of routing with a trained router — base forward vs routed two-pass vs routed
/// single-pass inference, and router training on cached vs recomputed features.
/// </summary>
internal static class RoutingBenchVerb
{
    public static Command Build(CommandContext context)
    {
        var router = new Option<string>("--router") { Description = "Router name (REGISTRY/routers/NAME)", Required = true, HelpName = "NAME" };
        var quick = new Option<bool>("--quick") { Description = "Few repeats, 2 training epochs on 64 examples per task" };
        var repeats = new Option<int?>("--repeats") { Description = "Timed rounds per inference variant", HelpName = "N" };
        var epochs = new Option<int?>("--epochs") { Description = "Router-training epochs to time", HelpName = "N" };
        var batch = new Option<int?>("--batch-size") { Description = "Examples per inference batch", HelpName = "N" };
        var examples = new Option<int?>("--examples-per-task") { Description = "Training examples per task for the router-training comparison (default: the router's whole mix)", HelpName = "N" };
        var registry = CommonOptions.Registry();
        var json = CommonOptions.Json();
        var command = new Command("routing", "Routed inference (two-pass, single-pass) vs a base forward, and cached-feature router training") { router, quick, repeats, epochs, batch, examples, registry, json };
        command.SetAction(parse =>
        {
            var root = new ExpertRegistry(parse.GetValue(registry) ?? context.Registry);
            var config = new RouterStore(root).Get(parse.GetValue(router)!);
            var options = parse.GetValue(quick)
                ? new RoutingBenchmarkOptions { Repeats = 3, Warmup = 1, TrainingEpochs = 2, TrainingExamplesPerTask = 64 }
                : new RoutingBenchmarkOptions();
            if (parse.GetValue(repeats) is int n) options = options with { Repeats = Math.Max(1, n) };
            if (parse.GetValue(epochs) is int e) options = options with { TrainingEpochs = Math.Max(1, e) };
            if (parse.GetValue(batch) is int b) options = options with { Batch = Math.Max(1, b) };
            if (parse.GetValue(examples) is int x) options = options with { TrainingExamplesPerTask = Math.Max(1, x) };
            var report = RoutingBenchmark.Run(root, config.Name, RouteTrainVerb.LoadTasks(config.Tasks), options, context.Cancellation);
            context.Emit(new RouterBenchmarkResult(report), parse.GetValue(json));
            return 0;
        });
        return command;
    }
}

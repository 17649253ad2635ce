using System.CommandLine;
using TtLora.Core;
using TtLora.Core.Data;
using TtLora.Core.Models;
using TtLora.Core.Registry;
using TtLora.Core.Routing;
using TtLora.Core.Training;
using TtLora.Extension.Results;

namespace TtLora.Extension.Verbs;

/// <summary><c>route-train</c>: stage two — a router over frozen experts of the registry, trained on a mix of their tasks.</summary>
internal static class RouteTrainVerb
{
    public static Command Build(CommandContext context)
    {
        var d = new RouterTrainingOptions();
        var experts = new Option<string>("--experts") { Description = "Experts to route between, comma-separated registry names (one per task)", Required = true, HelpName = "A,B,C" };
        var kind = new Option<string>("--router") { Description = "Router architecture", DefaultValueFactory = _ => RouterKinds.Name(d.Kind), HelpName = string.Join("|", RouterKinds.Names) };
        kind.AcceptOnlyFromAmong([.. RouterKinds.Names]);
        var fromLayer = new Option<int?>("--route-from-layer") { Description = "Route on the hidden state after layer K (0-based); with experts trained on layers above K, inference takes one base pass", HelpName = "K" };
        var topK = new Option<int>("--top-k") { Description = "Experts kept per input", DefaultValueFactory = _ => d.TopK, HelpName = "K" };
        var pooling = new Option<string>("--pooling") { Description = "State the noisy-top1 and mlp routers score: the last token's (the paper) or the mean over tokens", DefaultValueFactory = _ => RouterPoolings.Name(d.Pooling), HelpName = string.Join("|", RouterPoolings.Names) };
        pooling.AcceptOnlyFromAmong([.. RouterPoolings.Names]);
        var epochs = new Option<int>("--epochs") { Description = "Maximum epochs", DefaultValueFactory = _ => d.Epochs, HelpName = "N" };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate", DefaultValueFactory = _ => d.LearningRate, HelpName = "X" };
        var batch = new Option<int>("--batch-size") { Description = "Examples per step", DefaultValueFactory = _ => d.BatchSize, HelpName = "N" };
        var patience = new Option<int>("--patience") { Description = "Epochs without validation-loss improvement before stopping", DefaultValueFactory = _ => d.Patience, HelpName = "N" };
        var mix = new Option<string>("--mix") { Description = "How the tasks are mixed: balanced (each cut to the smallest), proportional, or capped", DefaultValueFactory = _ => "balanced", HelpName = "balanced|proportional|capped" };
        mix.AcceptOnlyFromAmong("balanced", "proportional", "capped");
        var cap = new Option<int?>("--cap") { Description = "Examples per task with --mix capped", HelpName = "N" };
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => d.Seed };
        var maxLength = new Option<int>("--max-length") { Description = "Tokens per example", DefaultValueFactory = _ => d.MaxLength, HelpName = "N" };
        var name = new Option<string?>("--name") { Description = "Router name (default router-KIND)", HelpName = "NAME" };
        var model = CommonOptions.Model();
        var registry = CommonOptions.Registry();
        var device = CommonOptions.Device();
        var json = CommonOptions.Json();
        var command = new Command("route-train", "Stage two: train a router over frozen experts (saved in REGISTRY/routers/NAME)")
        {
            experts, kind, fromLayer, topK, pooling, epochs, lr, batch, patience, mix, cap, seed, maxLength, name, model, registry, device, json,
        };
        command.SetAction(parse =>
        {
            var root = new ExpertRegistry(parse.GetValue(registry) ?? context.Registry);
            var names = CommonOptions.SplitList(parse.GetValue(experts));
            var manifests = ExpertCompatibility.Check(root, names, null, "--experts");
            string baseDir = parse.GetValue(model) ?? context.Model ?? manifests[0].BaseModel;
            var options = new RouterTrainingOptions
            {
                Kind = RouterKinds.Parse(parse.GetValue(kind)!), RouteFromLayer = parse.GetValue(fromLayer), TopK = parse.GetValue(topK),
                Pooling = RouterPoolings.Parse(parse.GetValue(pooling)!),
                Epochs = parse.GetValue(epochs), LearningRate = parse.GetValue(lr), BatchSize = parse.GetValue(batch), Patience = parse.GetValue(patience),
                Mix = Enum.Parse<MixStrategy>(parse.GetValue(mix)!, ignoreCase: true), Cap = parse.GetValue(cap), Seed = parse.GetValue(seed),
                MaxLength = parse.GetValue(maxLength),
            };
            string routerName = parse.GetValue(name) ?? $"router-{RouterKinds.Name(options.Kind)}";
            var config = RouterTrainer.Train(baseDir, root, names, LoadTasks(manifests.Select(m => m.Task).ToArray()), routerName, options,
                DeviceSelector.Resolve(parse.GetValue(device) ?? context.Device), new CallbackProgress<TrainingProgress>(context.Progress), context.Cancellation);
            context.Emit(new RouterResult(config, new RouterStore(root).PathOf(routerName)), parse.GetValue(json));
            return 0;
        });
        return command;
    }

    /// <summary>The experts' task data; routers train and evaluate on the demo suite's tasks.</summary>
    internal static IReadOnlyList<TaskSplits> LoadTasks(IReadOnlyList<string> tasks) => tasks.Select(task =>
        DemoSuite.TaskNames.Contains(task) ? DemoSuite.Load(task)
            : throw new TtLoraException($"task \"{task}\" is not a demo task ({string.Join(", ", DemoSuite.TaskNames)}); the router commands read task data " +
                "from the demo suite (for your own data use TtLora.Core.Routing.RouterTrainer with TaskSplits)")).ToArray();
}

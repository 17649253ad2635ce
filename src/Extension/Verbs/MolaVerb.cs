using System.CommandLine;
using TtLora.Core;
using TtLora.Core.Adapters;
using TtLora.Core.Data;
using TtLora.Core.Mixtures;
using TtLora.Core.Models;
using TtLora.Core.Registry;
using TtLora.Core.Training;
using TtLora.Extension.Results;

namespace TtLora.Extension.Verbs;

/// <summary>
/// <c>mola train</c>: MoLA (routed LoRA experts, a different number per layer) trained on several demo tasks as one.
/// The expert lands in the registry like any other, so <c>experts</c>, <c>predict</c> and <c>show</c> work on it.
/// </summary>
internal static class MolaVerb
{
    public static Command Build(CommandContext context)
    {
        var d = new MolaConfig();
        var o = new ExpertTrainingOptions();
        var tasks = new Option<string>("--tasks") { Description = $"Demo tasks trained as one, comma-separated ({string.Join(", ", DemoSuite.TaskNames)})", Required = true, HelpName = "LIST" };
        var allocation = new Option<string>("--allocation")
        {
            Description = "Experts per layer: groups (2-4-6-8), one count per layer (2,2,4,4) or a budget (total:20:increasing|decreasing|uniform|diamond)",
            DefaultValueFactory = _ => d.Allocation, HelpName = "SPEC",
        };
        var topK = new Option<string>("--top-k") { Description = "Experts per token: one number or one per layer", DefaultValueFactory = _ => d.TopKSpec, HelpName = "K|LIST" };
        var targets = new Option<string>("--targets") { Description = "Modules to adapt", DefaultValueFactory = _ => string.Join(",", d.TargetModules), HelpName = "LIST" };
        var rank = new Option<int>("--rank") { Description = "r of every expert", DefaultValueFactory = _ => d.R, HelpName = "R" };
        var alpha = new Option<double>("--alpha") { Description = "lora_alpha (scaling alpha / r)", DefaultValueFactory = _ => d.LoraAlpha, HelpName = "A" };
        var dropout = new Option<double>("--dropout") { Description = "Dropout on the experts' input", DefaultValueFactory = _ => d.LoraDropout, HelpName = "P" };
        var balanceCoef = new Option<double>("--balance-coef") { Description = "Weight of the load-balancing loss (0: the reference's task fine-tuning)", DefaultValueFactory = _ => d.BalanceCoefficient, HelpName = "X" };
        var balanceScope = new Option<string>("--balance-scope") { Description = "Pool a layer's routers (layer) or balance each alone (module)", DefaultValueFactory = _ => d.BalanceScope, HelpName = "layer|module" };
        balanceScope.AcceptOnlyFromAmong("layer", "module");
        var balanceTokens = new Option<string>("--balance-tokens") { Description = "Count real tokens only, or pads too (the reference)", DefaultValueFactory = _ => d.BalanceTokens, HelpName = "real|all" };
        balanceTokens.AcceptOnlyFromAmong("real", "all");
        var compute = new Option<string>("--expert-compute") { Description = "stacked (two matmuls over all experts) or grouped (only the chosen pairs)", DefaultValueFactory = _ => d.ExpertCompute, HelpName = "stacked|grouped" };
        compute.AcceptOnlyFromAmong("stacked", "grouped");
        var layers = new Option<string?>("--layers") { Description = "Decoder layers to adapt (default: all)", HelpName = "SPEC" };
        var epochs = new Option<int>("--epochs") { Description = "Maximum epochs", DefaultValueFactory = _ => 3, HelpName = "N" };
        var lr = new Option<double?>("--lr") { Description = $"Learning rate (default {MolaKind.Instance.DefaultLearningRate:0.####}, the reference's)", HelpName = "X" };
        var batch = new Option<int>("--batch-size") { Description = "Examples per step", DefaultValueFactory = _ => o.BatchSize, HelpName = "N" };
        var maxLength = new Option<int>("--max-length") { Description = "Tokens per example", DefaultValueFactory = _ => o.MaxLength, HelpName = "N" };
        var maxTrain = new Option<int?>("--max-train-examples") { Description = "Use at most N training examples per task", HelpName = "N" };
        var seed = new Option<long>("--seed") { Description = "Random seed", DefaultValueFactory = _ => o.Seed };
        var name = new Option<string?>("--name") { Description = "Expert name (default mola-ALLOCATION)", HelpName = "NAME" };
        var model = CommonOptions.Model();
        var registry = CommonOptions.Registry();
        var device = CommonOptions.Device();
        var json = CommonOptions.Json();
        var train = new Command("train", "Train MoLA experts on several tasks as one (labels task/label)")
        {
            tasks, allocation, topK, targets, rank, alpha, dropout, balanceCoef, balanceScope, balanceTokens, compute, layers, epochs, lr, batch,
            maxLength, maxTrain, seed, name, model, registry, device, json,
        };
        train.SetAction(parse =>
        {
            string baseDir = CommonOptions.RequireBaseModel(parse.GetValue(model), context);
            var modelConfig = LlamaCheckpoint.LoadConfig(baseDir);
            var taskNames = CommonOptions.SplitList(parse.GetValue(tasks));
            foreach (var t in taskNames.Where(t => !DemoSuite.TaskNames.Contains(t)))
                throw new TtLoraException($"--tasks: \"{t}\" is not a demo task ({string.Join(", ", DemoSuite.TaskNames)})");
            var config = (MolaConfig)new MolaConfig
            {
                Allocation = parse.GetValue(allocation)!, TopKSpec = parse.GetValue(topK)!, TargetModules = CommonOptions.SplitList(parse.GetValue(targets)),
                R = parse.GetValue(rank), LoraAlpha = parse.GetValue(alpha), LoraDropout = parse.GetValue(dropout),
                BalanceCoefficient = parse.GetValue(balanceCoef), BalanceScope = parse.GetValue(balanceScope)!, BalanceTokens = parse.GetValue(balanceTokens)!,
                ExpertCompute = parse.GetValue(compute)!,
                LayersToTransform = parse.GetValue(layers) is string spec ? LayerRange.Parse(spec, modelConfig.NumHiddenLayers) : null,
            }.ResolveFor(modelConfig);
            config.Validate("mola train options");
            var options = new ExpertTrainingOptions
            {
                Adapter = MolaKind.Instance.Name, Epochs = parse.GetValue(epochs), LearningRate = parse.GetValue(lr), BatchSize = parse.GetValue(batch),
                Patience = parse.GetValue(epochs), MaxLength = parse.GetValue(maxLength), MaxTrainExamples = parse.GetValue(maxTrain), Seed = parse.GetValue(seed),
            };
            string expertName = parse.GetValue(name) ?? $"mola-{ExpertAllocation.Describe(config.NumberExperts!)}";
            var manifest = MolaTrainer.Train(baseDir, [.. taskNames.Select(t => DemoSuite.Load(t))], new ExpertRegistry(parse.GetValue(registry) ?? context.Registry),
                expertName, config, options, DeviceSelector.Resolve(parse.GetValue(device) ?? context.Device),
                new CallbackProgress<TrainingProgress>(context.Progress), context.Cancellation);
            context.Emit(new ExpertResult(manifest), parse.GetValue(json));
            return 0;
        });
        return new Command("mola", "MoLA: routed LoRA experts with a different number per layer") { train };
    }
}

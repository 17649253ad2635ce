using System.CommandLine;
using TtLora.Core;
using TtLora.Core.Adapters;
using TtLora.Core.Data;
using TtLora.Core.Models;
using TtLora.Core.Registry;
using TtLora.Core.Training;
using TtLora.Extension.Results;

namespace TtLora.Extension.Verbs;

/// <summary><c>train</c>: stage one — one expert for one task on the frozen base model, saved into the registry.</summary>
internal static class TrainVerb
{
    public static Command Build(CommandContext context)
    {
        var d = new ExpertTrainingOptions();
        var task = new Option<string?>("--task") { Description = $"Demo task ({string.Join(", ", DemoSuite.TaskNames)}) or a name for --train-file data", HelpName = "TASK" };
        var trainFile = new Option<string?>("--train-file") { Description = "Your own training data (JSONL, CSV, TSV or Parquet)", HelpName = "FILE" };
        var validationFile = new Option<string?>("--validation-file") { Description = "Validation data (default: 10% of --train-file)", HelpName = "FILE" };
        var testFile = new Option<string?>("--test-file") { Description = "Test data", HelpName = "FILE" };
        var textColumn = new Option<string>("--text-column") { Description = "Text column(s) of the files, comma-separated", DefaultValueFactory = _ => "text", HelpName = "COL" };
        var labelColumn = new Option<string>("--label-column") { Description = "Label column of the files", DefaultValueFactory = _ => "label", HelpName = "COL" };
        var model = CommonOptions.Model();
        var registry = CommonOptions.Registry();
        var adapter = CommonOptions.AdapterKind(d.Adapter);
        var rank = new Option<int?>("--rank") { Description = "TT rank (default 5), LoRA rank (default 16) or bottleneck width (default hidden/16)", HelpName = "R" };
        var alpha = new Option<double?>("--alpha") { Description = "TT-LoRA multiplier (default 16) or LoRA alpha (default 8)", HelpName = "A" };
        var targets = new Option<string>("--targets") { Description = "Modules to adapt", DefaultValueFactory = _ => string.Join(",", d.Targets), HelpName = "LIST" };
        var layers = new Option<string?>("--layers") { Description = "Decoder layers to adapt, e.g. 2-3 (default: all); train above K for single-pass routing", HelpName = "SPEC" };
        var epochs = new Option<int>("--epochs") { Description = "Maximum epochs", DefaultValueFactory = _ => d.Epochs, HelpName = "N" };
        var lr = new Option<double?>("--lr") { Description = $"Learning rate (default: {string.Join(", ", AdapterKinds.All.Select(k => $"{k.DefaultLearningRate:0.####} {k.Name}"))})", HelpName = "X" };
        var batch = new Option<int>("--batch-size") { Description = "Examples per step", DefaultValueFactory = _ => d.BatchSize, HelpName = "N" };
        var accumulation = new Option<int>("--grad-accum") { Description = "Gradient accumulation steps", DefaultValueFactory = _ => d.GradientAccumulation, HelpName = "N" };
        var patience = new Option<int>("--patience") { Description = "Epochs without validation-loss improvement before stopping", DefaultValueFactory = _ => d.Patience, HelpName = "N" };
        var trainHead = new Option<bool>("--train-head") { Description = "Train the classification head too (default: frozen random head, as in the paper)" };
        var maxLength = new Option<int>("--max-length") { Description = "Tokens per example", DefaultValueFactory = _ => d.MaxLength, HelpName = "N" };
        var seed = new Option<long>("--seed") { Description = "Random seed", DefaultValueFactory = _ => d.Seed };
        var optimizer = new Option<string>("--optimizer") { Description = "adam or adamw", DefaultValueFactory = _ => d.Optimizer };
        optimizer.AcceptOnlyFromAmong("adam", "adamw");
        var weightDecay = new Option<double>("--weight-decay") { Description = "Weight decay", DefaultValueFactory = _ => d.WeightDecay, HelpName = "X" };
        var schedule = new Option<string>("--schedule") { Description = "Learning-rate schedule", DefaultValueFactory = _ => d.Schedule, HelpName = string.Join("|", LearningRateSchedule.Kinds) };
        schedule.AcceptOnlyFromAmong(LearningRateSchedule.Kinds);
        var maxTrain = new Option<int?>("--max-train-examples") { Description = "Use at most N training examples", HelpName = "N" };
        var name = new Option<string?>("--name") { Description = "Expert name (default TASK-ADAPTER)", HelpName = "NAME" };
        var device = CommonOptions.Device();
        var json = CommonOptions.Json();
        var command = new Command("train", "Stage one: train one expert (adapter) for one task on the frozen base model")
        {
            task, trainFile, validationFile, testFile, textColumn, labelColumn, model, registry, adapter, rank, alpha, targets, layers,
            epochs, lr, batch, accumulation, patience, trainHead, maxLength, seed, optimizer, weightDecay, schedule, maxTrain, name, device, json,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(task) is null && r.GetValue(trainFile) is null) r.AddError("give --task (a demo task) or --train-file");
        });
        command.SetAction(parse =>
        {
            string baseDir = CommonOptions.RequireBaseModel(parse.GetValue(model), context);
            var data = LoadData(parse.GetValue(task), parse.GetValue(trainFile), parse.GetValue(validationFile), parse.GetValue(testFile),
                CommonOptions.SplitList(parse.GetValue(textColumn)), parse.GetValue(labelColumn)!);
            var config = LlamaCheckpoint.LoadConfig(baseDir);
            var options = new ExpertTrainingOptions
            {
                Adapter = parse.GetValue(adapter)!, Rank = parse.GetValue(rank), Alpha = parse.GetValue(alpha),
                Targets = CommonOptions.SplitList(parse.GetValue(targets)),
                Layers = parse.GetValue(layers) is string spec ? LayerRange.Parse(spec, config.NumHiddenLayers) : null,
                Epochs = parse.GetValue(epochs), LearningRate = parse.GetValue(lr), BatchSize = parse.GetValue(batch),
                GradientAccumulation = parse.GetValue(accumulation), Patience = parse.GetValue(patience), TrainHead = parse.GetValue(trainHead),
                MaxLength = parse.GetValue(maxLength), Seed = parse.GetValue(seed), Optimizer = parse.GetValue(optimizer)!,
                WeightDecay = parse.GetValue(weightDecay), Schedule = parse.GetValue(schedule)!, MaxTrainExamples = parse.GetValue(maxTrain),
            };
            string expertName = parse.GetValue(name) ?? $"{data.Task.Name}-{options.Adapter}";
            var manifest = ExpertTrainer.Train(baseDir, data, new ExpertRegistry(parse.GetValue(registry) ?? context.Registry), expertName, options,
                DeviceSelector.Resolve(parse.GetValue(device) ?? context.Device), new CallbackProgress<TrainingProgress>(context.Progress), context.Cancellation);
            context.Emit(new ExpertResult(manifest), parse.GetValue(json));
            return 0;
        });
        return command;
    }

    static TaskSplits LoadData(string? task, string? train, string? validation, string? test, IReadOnlyList<string> textColumns, string labelColumn)
    {
        if (train is null)
        {
            if (!DemoSuite.TaskNames.Contains(task!))
                throw new TtLoraException($"--task: \"{task}\" is not a demo task ({string.Join(", ", DemoSuite.TaskNames)}); for your own data pass --train-file");
            return DemoSuite.Load(task!);
        }
        // Label names come from the training file (sorted), and the other files must use the same ones.
        var reader = new ExampleReaderOptions { TextColumns = textColumns, LabelColumn = labelColumn };
        var labels = ExampleFiles.Read(train, reader).LabelNames;
        var definition = new TaskDefinition(task ?? Path.GetFileNameWithoutExtension(train), $"from {Path.GetFileName(train)}", labels, textColumns, labelColumn);
        return ExampleFiles.ReadSplits(definition, train, validation, test, reader with { LabelNames = labels });
    }
}

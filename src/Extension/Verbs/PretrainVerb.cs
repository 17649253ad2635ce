using System.CommandLine;
using TtLora.Core;
using TtLora.Core.Data;
using TtLora.Core.Models;
using TtLora.Core.Training;
using TtLora.Extension.Results;

namespace TtLora.Extension.Verbs;

/// <summary>
/// <c>pretrain</c>: the small base model, trained from scratch on the demo corpora's training documents (never a
/// validation or test document of any demo task). Reuses an existing folder unless --force.
/// </summary>
internal static class PretrainVerb
{
    public const string DefaultOutput = "models/tt-base";

    public static Command Build(CommandContext context)
    {
        var output = new Option<string>("--out") { Description = "Model folder to write", DefaultValueFactory = _ => DefaultOutput, HelpName = "DIR" };
        var preset = new Option<string>("--preset") { Description = "Architecture", DefaultValueFactory = _ => "small", HelpName = string.Join("|", ModelPresets.Names) };
        preset.AcceptOnlyFromAmong(ModelPresets.Names.ToArray());
        var defaults = new PretrainOptions();
        var vocab = new Option<int>("--vocab-size") { Description = "Tokenizer vocabulary size", DefaultValueFactory = _ => defaults.VocabSize, HelpName = "N" };
        var steps = new Option<int>("--steps") { Description = "Optimizer steps", DefaultValueFactory = _ => defaults.Steps, HelpName = "N" };
        var batch = new Option<int>("--batch-size") { Description = "Sequences per step", DefaultValueFactory = _ => defaults.BatchSize, HelpName = "N" };
        var length = new Option<int>("--seq-len") { Description = "Tokens per sequence", DefaultValueFactory = _ => defaults.SequenceLength, HelpName = "N" };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate (AdamW, cosine decay)", DefaultValueFactory = _ => defaults.LearningRate, HelpName = "X" };
        var seed = new Option<long>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 0 };
        var dictionary = new Option<bool>("--with-dictionary") { Description = "Add the GCIDE dictionary text (40 MB more)" };
        var force = new Option<bool>("--force") { Description = "Retrain even if the folder holds a pretrained model" };
        var json = CommonOptions.Json();
        var command = new Command("pretrain", "Train the tokenizer and a small Llama from scratch on the demo corpora (HF format out)")
            { output, preset, vocab, steps, batch, length, lr, seed, dictionary, force, json };
        command.SetAction(parse =>
        {
            string dir = parse.GetValue(output)!;
            if (!parse.GetValue(force) && Pretrainer.TryReadReport(dir) is { } existing)
            {
                context.Emit(new PretrainResult(existing), parse.GetValue(json));
                return 0;
            }
            var options = new PretrainOptions
            {
                Architecture = ModelPresets.Get(parse.GetValue(preset)!),
                VocabSize = parse.GetValue(vocab), Steps = parse.GetValue(steps), BatchSize = parse.GetValue(batch),
                SequenceLength = parse.GetValue(length), LearningRate = parse.GetValue(lr), Seed = parse.GetValue(seed),
                WarmupSteps = Math.Min(defaults.WarmupSteps, Math.Max(1, parse.GetValue(steps) / 10)),
                EvaluateEvery = Math.Min(defaults.EvaluateEvery, Math.Max(1, parse.GetValue(steps))),
            };
            if (options.Steps < 1 || options.BatchSize < 1 || options.SequenceLength < 8)
                throw new TtLoraException("--steps and --batch-size must be positive and --seq-len at least 8");
            options.Validate();
            AtomicFolder.EnsureWritable(dir, "--out");
            var corpus = PretrainingCorpus.Build(new PretrainingOptions { IncludeDictionary = parse.GetValue(dictionary) });
            var report = Pretrainer.Run(corpus.TrainTexts.ToList(), corpus.ValidationTexts.ToList(), dir, options,
                new CallbackProgress<TrainingProgress>(context.Progress), context.Cancellation);
            context.Emit(new PretrainResult(report), parse.GetValue(json));
            return 0;
        });
        return command;
    }
}

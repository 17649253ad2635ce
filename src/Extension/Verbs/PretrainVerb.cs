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
        var tokenizerChars = new Option<long>("--tokenizer-chars") { Description = "Characters of training text the tokenizer is learned from", DefaultValueFactory = _ => defaults.TokenizerTrainingChars, HelpName = "N" };
        var textFile = new Option<string?>("--text-file") { Description = "Pretrain on your own UTF-8 text instead of the demo corpora (documents separated by blank lines)", HelpName = "FILE" };
        var seed = new Option<long>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 0 };
        var dictionary = new Option<bool>("--with-dictionary") { Description = "Add the GCIDE dictionary text (40 MB more)" };
        var force = new Option<bool>("--force") { Description = "Retrain even if the folder holds a pretrained model" };
        var json = CommonOptions.Json();
        var command = new Command("pretrain", "Train the tokenizer and a small Llama from scratch on the demo corpora (HF format out)")
            { output, preset, vocab, steps, batch, length, lr, tokenizerChars, textFile, seed, dictionary, force, json };
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
                TokenizerTrainingChars = parse.GetValue(tokenizerChars),
                WarmupSteps = Math.Min(defaults.WarmupSteps, Math.Max(1, parse.GetValue(steps) / 10)),
                EvaluateEvery = Math.Min(defaults.EvaluateEvery, Math.Max(1, parse.GetValue(steps))),
            };
            if (options.Steps < 1 || options.BatchSize < 1 || options.SequenceLength < 8)
                throw new TtLoraException("--steps and --batch-size must be positive and --seq-len at least 8");
            options.Validate();
            AtomicFolder.EnsureWritable(dir, "--out");
            var (train, validation) = parse.GetValue(textFile) is string file ? ReadDocuments(file)
                : PretrainingCorpus.Build(new PretrainingOptions { IncludeDictionary = parse.GetValue(dictionary) }) is var corpus
                    ? (corpus.TrainTexts.ToList(), corpus.ValidationTexts.ToList()) : default;
            var report = Pretrainer.Run(train, validation, dir, options,
                new CallbackProgress<TrainingProgress>(context.Progress), context.Cancellation);
            context.Emit(new PretrainResult(report), parse.GetValue(json));
            return 0;
        });
        return command;
    }

    /// <summary>Documents of a text file, separated by blank lines; every tenth one is held out for validation.</summary>
    static (List<string> Train, List<string> Validation) ReadDocuments(string path)
    {
        if (!File.Exists(path)) throw TtLoraException.InFile(path, "--text-file: file not found");
        var documents = File.ReadAllText(path).Replace("\r\n", "\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (documents.Length < 2) throw TtLoraException.InFile(path, "--text-file: needs at least two documents (separated by a blank line), one to validate on");
        var validation = documents.Where((_, i) => i % 10 == 9 || (documents.Length < 10 && i == documents.Length - 1)).ToList();
        return (documents.Except(validation).ToList(), validation);
    }
}

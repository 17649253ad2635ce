using System.CommandLine;
using TtLora.Core;
using TtLora.Core.Models;
using TtLora.Extension.Results;

namespace TtLora.Extension.Verbs;

/// <summary><c>model info</c> and <c>model create</c>: inspect a checkpoint, or write a randomly initialised one.</summary>
internal static class ModelVerb
{
    public static Command Build(CommandContext context)
    {
        var command = new Command("model", "Inspect or create Hugging Face Llama checkpoints");
        command.Add(BuildInfo(context));
        command.Add(BuildCreate(context));
        return command;
    }

    static Command BuildInfo(CommandContext context)
    {
        var model = CommonOptions.Model();
        var json = CommonOptions.Json();
        var info = new Command("info", "Architecture, parameter count, dtype and files of a checkpoint folder") { model, json };
        info.SetAction(parse =>
        {
            var summary = CheckpointSummary.Read(CommonOptions.RequireModel(parse.GetValue(model), context));
            context.Emit(new ModelInfoResult(summary), parse.GetValue(json));
            return 0;
        });
        return info;
    }

    static Command BuildCreate(CommandContext context)
    {
        var output = new Option<string>("--out") { Description = "Folder to write", Required = true, HelpName = "DIR" };
        var preset = new Option<string>("--preset") { Description = "Architecture size", DefaultValueFactory = _ => "tiny", HelpName = string.Join("|", ModelPresets.Names) };
        preset.AcceptOnlyFromAmong(ModelPresets.Names.ToArray());
        var config = new Option<string?>("--config") { Description = "A config.json to use instead of a preset", HelpName = "FILE" };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "tokenizer.json to copy into the folder (its size sets vocab_size)", HelpName = "PATH" };
        var seed = new Option<long>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 0 };
        var dtype = CommonOptions.DType();
        var shard = new Option<string>("--max-shard-size") { Description = "Largest weights file; bigger checkpoints are split into model-0000N-of-0000M.safetensors shards with an index, as on the Hub", DefaultValueFactory = _ => "5GB", HelpName = "SIZE" };
        var json = CommonOptions.Json();
        var create = new Command("create", "Write a randomly initialised Llama checkpoint in Hugging Face format") { output, preset, config, tokenizer, seed, dtype, shard, json };
        create.SetAction(parse =>
        {
            var dir = parse.GetValue(output)!;
            var type = DeviceSelector.ResolveDType(parse.GetValue(dtype) ?? "float32");
            RandomCheckpoint.Create(dir, parse.GetValue(config) is string c ? LlamaConfig.Load(c) : ModelPresets.Get(parse.GetValue(preset)!),
                parse.GetValue(tokenizer), parse.GetValue(seed), type, ParseSize(parse.GetValue(shard)!, "--max-shard-size"));
            context.Emit(new ModelInfoResult(CheckpointSummary.Read(dir)), parse.GetValue(json));
            return 0;
        });
        return create;
    }

    /// <summary>A size such as 5GB, 500MB, 2GiB or a number of bytes (decimal units, as the Hub's max_shard_size).</summary>
    internal static long ParseSize(string text, string option)
    {
        var trimmed = text.Trim();
        int split = 0;
        while (split < trimmed.Length && (char.IsAsciiDigit(trimmed[split]) || trimmed[split] == '.')) split++;
        long unit = trimmed[split..].Trim().ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "KB" => 1_000, "MB" => 1_000_000, "GB" => 1_000_000_000,
            "KIB" => 1L << 10, "MIB" => 1L << 20, "GIB" => 1L << 30,
            _ => 0,
        };
        if (unit == 0 || !double.TryParse(trimmed[..split], System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out double value) || value * unit < 1)
            throw new TtLoraException($"{option}: expected a size such as 2GB, 500MB or a number of bytes, got \"{text}\"");
        return (long)(value * unit);
    }
}

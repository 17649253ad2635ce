using System.CommandLine;
using TtLora.Core;
using TtLora.Core.Adapters;
using TtLora.Core.Models;
using TtLora.Core.Tokenizers;
using TtLora.Extension.Results;

namespace TtLora.Extension.Verbs;

/// <summary><c>generate</c>: greedy continuation of a prompt with a causal LM checkpoint.</summary>
internal static class GenerateVerb
{
    public static Command Build(CommandContext context)
    {
        var model = CommonOptions.Model();
        var prompt = new Option<string?>("--prompt") { Description = "Text to continue (tokenized with the model's tokenizer.json)", HelpName = "TEXT" };
        var promptIds = new Option<string?>("--prompt-ids") { Description = "Token ids to continue instead of text, comma-separated", HelpName = "IDS" };
        var maxNew = new Option<int>("--max-new-tokens") { Description = "How many tokens to generate at most", DefaultValueFactory = _ => 32, HelpName = "N" };
        var adapter = new Option<string?>("--adapter") { Description = "An adapter folder (PEFT-style adapter_config.json + adapter_model.safetensors) to apply", HelpName = "DIR" };
        var device = CommonOptions.Device();
        var dtype = CommonOptions.DType();
        var json = CommonOptions.Json();
        var command = new Command("generate", "Greedy generation with a key/value cache") { model, prompt, promptIds, maxNew, adapter, device, dtype, json };
        command.Validators.Add(r =>
        {
            if ((r.GetValue(prompt) is null) == (r.GetValue(promptIds) is null))
                r.AddError("give exactly one of --prompt or --prompt-ids");
            if (r.GetValue(maxNew) < 0)
                r.AddError("--max-new-tokens must be zero or positive");
        });
        command.SetAction(parse =>
        {
            string dir = CommonOptions.RequireModel(parse.GetValue(model), context);
            var dev = DeviceSelector.Resolve(parse.GetValue(device) ?? context.Device);
            var type = parse.GetValue(dtype) is string d ? DeviceSelector.ResolveDType(d) : (TorchSharp.torch.ScalarType?)null;
            HfTokenizer? tokenizer = null;
            long[] ids;
            if (parse.GetValue(prompt) is string text)
            {
                tokenizer = HfTokenizer.ForModel(dir);
                ids = tokenizer.Encode(text).Ids.Select(i => (long)i).ToArray();
            }
            else
            {
                ids = ParseIds(parse.GetValue(promptIds)!);
                if (File.Exists(Path.Combine(dir, "tokenizer.json"))) tokenizer = HfTokenizer.ForModel(dir);
            }
            int vocab = LlamaCheckpoint.LoadConfig(dir).VocabSize;
            if (ids.FirstOrDefault(i => i >= vocab, -1) is long outside and >= 0)
                throw new TtLoraException($"--prompt-ids: {outside} is outside the model's vocabulary (ids 0 to {vocab - 1}, vocab_size in {Path.Combine(dir, "config.json")})");
            using var lm = LlamaCheckpoint.LoadCausalLM(dir, dev, type);
            if (parse.GetValue(adapter) is string adapterDir) AdapterFiles.LoadInto(adapterDir, lm);
            lm.eval();
            var generated = lm.GenerateGreedy(ids, parse.GetValue(maxNew), cancellation: context.Cancellation);
            string? decoded = tokenizer?.Decode(generated.Select(i => (int)i), skipSpecialTokens: true);
            string? promptText = tokenizer?.Decode(ids.Select(i => (int)i), skipSpecialTokens: true);
            context.Emit(new GenerateResult(ids, generated, promptText, decoded), parse.GetValue(json));
            return 0;
        });
        return command;
    }

    static long[] ParseIds(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var ids = new long[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!long.TryParse(parts[i], out ids[i]) || ids[i] < 0)
                throw new TtLoraException($"--prompt-ids: \"{parts[i]}\" is not a non-negative integer");
        return ids;
    }
}

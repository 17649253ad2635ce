using System.CommandLine;
using TtLora.Core;
using TtLora.Core.Models;
using TtLora.Core.Packages;
using TtLora.Core.Tokenizers;
using TtLora.Extension.Results;

namespace TtLora.Extension.Verbs;

/// <summary>
/// <c>demo</c>: the offline walk through what exists so far — fetch the real Llama-3 tokenizer, write a tiny
/// randomly initialised Llama checkpoint in Hugging Face format, reload it, tokenize and generate greedily.
/// </summary>
internal static class DemoVerb
{
    public static Command Build(CommandContext context)
    {
        var output = new Option<string>("--out") { Description = "Working folder", DefaultValueFactory = _ => Path.Combine("runs", "demo"), HelpName = "DIR" };
        var force = new Option<bool>("--force") { Description = "Recreate the checkpoint even if it exists" };
        var prompt = new Option<string>("--prompt") { Description = "Prompt to continue", DefaultValueFactory = _ => "Tensor-train experts route each task to", HelpName = "TEXT" };
        var maxNew = new Option<int>("--max-new-tokens") { Description = "Tokens to generate", DefaultValueFactory = _ => 16, HelpName = "N" };
        var json = CommonOptions.Json();
        var command = new Command("demo", "Offline demo: tiny Llama checkpoint in HF format with the real Llama-3 tokenizer, then greedy generation") { output, force, prompt, maxNew, json };
        command.SetAction(parse =>
        {
            string dir = Path.Combine(parse.GetValue(output)!, "tiny-llama");
            var steps = new List<string>();
            if (parse.GetValue(force) || !File.Exists(Path.Combine(dir, "config.json")))
            {
                string tokenizerPath = PublishedTokenizers.Llama3(message => steps.Add(message));
                RandomCheckpoint.Create(dir, ModelPresets.Get("tiny"), tokenizerPath, seed: 0);
                steps.Add($"wrote a randomly initialised checkpoint to {dir}");
            }
            else
            {
                steps.Add($"reusing {dir} (pass --force to recreate it)");
            }
            var summary = CheckpointSummary.Read(dir);
            var tokenizer = HfTokenizer.FromPath(dir);
            var encoding = tokenizer.Encode(parse.GetValue(prompt)!);
            var device = DeviceSelector.Resolve(context.Device);
            using var model = LlamaCheckpoint.LoadCausalLM(dir, device);
            model.eval();
            var ids = encoding.Ids.Select(i => (long)i).ToArray();
            var generated = model.GenerateGreedy(ids, parse.GetValue(maxNew), cancellation: context.Cancellation);
            var result = new DemoResult(steps, new ModelInfoResult(summary), new TokenizeResult(encoding.Ids.ToArray(), encoding.Tokens.ToArray()),
                new GenerateResult(ids, generated, parse.GetValue(prompt), tokenizer.Decode(generated.Select(i => (int)i), skipSpecialTokens: true)));
            context.Emit(result, parse.GetValue(json));
            return 0;
        });
        return command;
    }
}

using System.CommandLine;
using TtLora.Core;
using TtLora.Core.Adapters;
using TtLora.Core.Models;
using TtLora.Extension.Results;

namespace TtLora.Extension.Verbs;

/// <summary><c>plan</c>: an adapter's parameter budget on a model config, without any weights.</summary>
internal static class PlanVerb
{
    public static Command Build(CommandContext context)
    {
        var config = new Option<string?>("--config") { Description = "A model's config.json (or its folder); default: the session's model", HelpName = "FILE" };
        var adapter = CommonOptions.AdapterKind("tt-lora");
        var targets = new Option<string?>("--targets") { Description = "Modules to adapt, comma-separated (q_proj, v_proj, layers.*.mlp.down_proj, ...; default: the kind's, q_proj,v_proj for TT-LoRA and LoRA)", HelpName = "LIST" };
        var rank = new Option<int?>("--rank") { Description = "TT rank (default 5), LoRA rank (default 16) or bottleneck width (default hidden/16)", HelpName = "R" };
        var alpha = new Option<double?>("--alpha") { Description = "TT-LoRA multiplier or LoRA alpha", HelpName = "A" };
        var inputFactors = new Option<string[]>("--input-factors") { Description = "TT input factors per module, e.g. q_proj=16,8,4,4", AllowMultipleArgumentsPerToken = true, HelpName = "MODULE=F,F,..." };
        var outputFactors = new Option<string[]>("--output-factors") { Description = "TT output factors per module, e.g. v_proj=16,16,2", AllowMultipleArgumentsPerToken = true, HelpName = "MODULE=F,F,..." };
        var layers = new Option<string?>("--layers") { Description = "Decoder layers to adapt, e.g. 4-7 or 0,2,4 (default: all)", HelpName = "SPEC" };
        var allocation = new Option<string?>("--allocation") { Description = "MoLA: experts per layer (2-4-6-8, 2,2,4,4 or total:20:increasing)", HelpName = "SPEC" };
        var topK = new Option<string?>("--top-k") { Description = "MoLA: experts per token, one number or one per layer (default 2)", HelpName = "K|LIST" };
        var labels = new Option<int>("--labels") { Description = "Count a trained classification head with this many labels", DefaultValueFactory = _ => 0, HelpName = "N" };
        var json = CommonOptions.Json();
        var command = new Command("plan", "Trainable parameters and TT shapes of an adapter on a model config (no weights needed)")
            { config, adapter, targets, rank, alpha, inputFactors, outputFactors, allocation, topK, layers, labels, json };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(config) ?? CommonOptions.RequireModel(null, context);
            var model = LlamaConfig.Load(path);
            var layerList = parse.GetValue(layers) is string spec ? LayerRange.Parse(spec, model.NumHiddenLayers) : null;
            IReadOnlyList<string>? targetList = parse.GetValue(targets) is string given ? CommonOptions.SplitList(given) : null;
            int headLabels = parse.GetValue(labels);
            if (headLabels is < 0 or > 1 << 20) throw new TtLoraException($"--labels must be between 0 and {1 << 20:N0}, got {headLabels}");
            var kind = AdapterKinds.Named(parse.GetValue(adapter)!);
            var adapterConfig = kind.FromOptions(new AdapterOptions
            {
                Rank = parse.GetValue(rank), Alpha = parse.GetValue(alpha), Targets = kind.AttachesToLinear ? targetList : null, Layers = layerList,
                SaveHead = headLabels > 0, InputFactors = ParseFactors(parse.GetValue(inputFactors), "--input-factors"),
                OutputFactors = ParseFactors(parse.GetValue(outputFactors), "--output-factors"),
                Allocation = parse.GetValue(allocation), TopK = parse.GetValue(topK),
            });
            adapterConfig.Validate("plan options");
            var plan = AdapterPlanner.Plan(model, adapterConfig, headLabels);
            context.Emit(new PlanResult(parse.GetValue(adapter)!, plan), parse.GetValue(json));
            return 0;
        });
        return command;
    }

    static IReadOnlyDictionary<string, IReadOnlyList<int>> ParseFactors(string[]? values, string option)
    {
        var result = new Dictionary<string, IReadOnlyList<int>>();
        foreach (var value in values ?? [])
        {
            int eq = value.IndexOf('=');
            if (eq <= 0) throw new TtLoraException($"{option}: expected MODULE=F,F,... (e.g. q_proj=16,8,4,4), got \"{value}\"");
            var factors = value[(eq + 1)..].Split(',', StringSplitOptions.TrimEntries).Select(f =>
                int.TryParse(f, out int n) ? n : throw new TtLoraException($"{option}: \"{f}\" in \"{value}\" is not an integer")).ToArray();
            result[value[..eq]] = factors;
        }
        return result;
    }
}

using System.CommandLine;
using TtLora.Core;
using TtLora.Core.Adapters;

namespace TtLora.Extension;

/// <summary>Options several verbs share, so they read and validate the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print one JSON object instead of text" };

    public static Option<string?> Model() => new("--model") { Description = "Hugging Face model folder (config.json, model.safetensors, tokenizer.json)", HelpName = "DIR" };

    public static Option<string?> Device()
    {
        var option = new Option<string?>("--device") { Description = "Where to run: auto (CUDA when available), cpu or cuda", HelpName = "auto|cpu|cuda" };
        option.AcceptOnlyFromAmong(DeviceSelector.Choices);
        return option;
    }

    public static Option<string?> DType()
    {
        var option = new Option<string?>("--dtype") { Description = "Compute dtype (default: the checkpoint's torch_dtype)", HelpName = "float32|bfloat16|float16" };
        option.AcceptOnlyFromAmong("float32", "bfloat16", "float16");
        return option;
    }

    /// <summary><c>--adapter</c>: one of the registered adapter kinds.</summary>
    public static Option<string> AdapterKind(string defaultKind)
    {
        var option = new Option<string>("--adapter")
        {
            Description = "Adapter kind: " + string.Join("; ", AdapterKinds.All.Select(k => $"{k.Name}: {k.Summary}")),
            DefaultValueFactory = _ => defaultKind,
            HelpName = string.Join("|", AdapterKinds.Names),
        };
        option.AcceptOnlyFromAmong([.. AdapterKinds.Names]);
        return option;
    }

    public static Option<string?> Registry() => new("--registry") { Description = "Expert registry folder (default: ./registry or the session's)", HelpName = "DIR" };

    /// <summary>Comma-separated list option, e.g. --targets q_proj,v_proj.</summary>
    public static IReadOnlyList<string> SplitList(string? value) =>
        (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static string RequireModel(string? given, CommandContext context) =>
        given ?? context.Model ?? throw new TtLoraException("--model: no model folder given (pass --model DIR, or set one with `use --model DIR`)");

    /// <summary>The base model for expert work: --model, else the session's, else the pretrained demo base if it exists.</summary>
    public static string RequireBaseModel(string? given, CommandContext context)
    {
        if (given is not null || context.Model is not null) return RequireModel(given, context);
        if (File.Exists(Path.Combine(Verbs.PretrainVerb.DefaultOutput, "config.json"))) return Verbs.PretrainVerb.DefaultOutput;
        throw new TtLoraException($"--model: no base model given and {Verbs.PretrainVerb.DefaultOutput} does not exist (run `ttlora pretrain` or pass --model DIR)");
    }
}

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>
/// LoRA settings, read and written exactly as Hugging Face PEFT's <c>LoraConfig</c> (<c>peft_type</c> "LORA").
/// Only what PEFT can express for plain Linear LoRA is supported: bias "none", no DoRA, no fan_in_fan_out.
/// </summary>
public sealed record LoraConfig : AdapterConfig
{
    /// <summary>The peft_type.</summary>
    public const string Type = "LORA";

    public LoraConfig()
    {
        TargetModules = ["q_proj", "v_proj"];
    }

    /// <inheritdoc/>
    public override AdapterKind Kind => LoraKind.Instance;

    /// <summary>r: the rank.</summary>
    public int R { get; init; } = 8;

    /// <summary>lora_alpha; the scaling is lora_alpha / r.</summary>
    public double LoraAlpha { get; init; } = 8;

    /// <summary>lora_dropout, applied to the adapter's input in training only.</summary>
    public double LoraDropout { get; init; }

    /// <summary>use_rslora: scale by lora_alpha / sqrt(r).</summary>
    public bool UseRsLora { get; init; }

    /// <summary>init_lora_weights: true means B starts at zero (the delta starts at zero).</summary>
    public bool InitLoraWeights { get; init; } = true;

    /// <summary>rank_pattern: per-module rank overrides, keys matched like PEFT (<c>(.*\.)?KEY$</c> on the module name).</summary>
    public IReadOnlyDictionary<string, int> RankPattern { get; init; } = new Dictionary<string, int>();

    /// <summary>alpha_pattern: per-module alpha overrides, matched like <see cref="RankPattern"/>.</summary>
    public IReadOnlyDictionary<string, double> AlphaPattern { get; init; } = new Dictionary<string, double>();

    /// <summary>The rank at one module.</summary>
    public int RankFor(string modulePath) => Lookup(RankPattern, modulePath) ?? R;

    /// <summary>The alpha at one module.</summary>
    public double AlphaFor(string modulePath) => Lookup(AlphaPattern, modulePath) ?? LoraAlpha;

    /// <inheritdoc/>
    public override void Validate(string source)
    {
        base.Validate(source);
        if (R < 1) throw TtLoraException.InFile(source, $"field \"r\" is {R}; the LoRA rank must be at least 1");
        foreach (var (key, rank) in RankPattern)
            if (rank < 1) throw TtLoraException.InFile(source, $"field \"rank_pattern.{key}\" is {rank}; the LoRA rank must be at least 1");
        if (!double.IsFinite(LoraAlpha)) throw TtLoraException.InFile(source, "field \"lora_alpha\" must be a finite number");
        if (LoraDropout is < 0 or >= 1) throw TtLoraException.InFile(source, $"field \"lora_dropout\" is {LoraDropout}; expected a probability in [0, 1)");
    }

    /// <summary>PEFT's names: <c>lora_A.weight</c> <c>[r, in]</c> and <c>lora_B.weight</c> <c>[out, r]</c>.</summary>
    public override IReadOnlyList<(string Name, long[] Shape)> ParameterShapes(AdapterSite site, string target)
    {
        int r = RankFor(site.Path);
        return [("lora_A.weight", [r, site.InFeatures]), ("lora_B.weight", [site.OutFeatures, r])];
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> ParameterNames(string moduleName, int layer, string target) => ["lora_A.weight", "lora_B.weight"];

    /// <inheritdoc/>
    public override int PlanRank(AdapterSite site, string target) => RankFor(site.Path);

    /// <summary>LoRA's file format holds everything; only checks that the attached adapters are the ones this config describes.</summary>
    public override AdapterConfig CompleteFrom(IReadOnlyList<(AdapterSite Site, Adapter Adapter)> attached, Models.LlamaConfig model)
    {
        foreach (var (site, adapter) in attached)
        {
            var a = (LoraAdapter)adapter;
            if (a.Rank != RankFor(site.Path) || a.Alpha != AlphaFor(site.Path) || a.UseRsLora != UseRsLora)
                throw new TtLoraException($"{site.Path}: the attached LoRA has r={a.Rank}, lora_alpha={a.Alpha}, use_rslora={a.UseRsLora}, " +
                    $"but the config says r={RankFor(site.Path)}, lora_alpha={AlphaFor(site.Path)}, use_rslora={UseRsLora}");
        }
        return this;
    }

    /// <inheritdoc/>
    public override Adapter CreateAdapter(AdapterSite site, string target, long? seed, ScalarType dtype, Device? device) =>
        new LoraAdapter(site.InFeatures, site.OutFeatures, RankFor(site.Path), AlphaFor(site.Path), LoraDropout, UseRsLora,
            zeroInitB: InitLoraWeights, seed, dtype, device);

    /// <summary>The keys PEFT writes (as of its 0.10-0.13 releases), so PEFT and tools built on it read the file.</summary>
    public override JsonObject ToJson()
    {
        var json = CommonJson();
        json["r"] = R;
        json["lora_alpha"] = LoraAlpha;
        json["lora_dropout"] = LoraDropout;
        json["bias"] = "none";
        json["fan_in_fan_out"] = false;
        json["init_lora_weights"] = InitLoraWeights;
        json["layers_pattern"] = null;
        json["rank_pattern"] = new JsonObject(RankPattern.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));
        json["alpha_pattern"] = new JsonObject(AlphaPattern.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));
        json["use_rslora"] = UseRsLora;
        json["use_dora"] = false;
        json["auto_mapping"] = null;
        json["layer_replication"] = null;
        json["loftq_config"] = new JsonObject();
        json["megatron_config"] = null;
        json["megatron_core"] = "megatron.core";
        return json;
    }

    internal static LoraConfig FromJson(JsonFields fields)
    {
        if (fields.Bool("use_dora") == true) throw fields.Error("use_dora", "is true; DoRA adapters are not supported");
        if (fields.Bool("fan_in_fan_out") == true) throw fields.Error("fan_in_fan_out", "is true; only Linear layers with [out, in] weights are supported");
        if (fields.String("bias") is string bias and not "none")
            throw fields.Error("bias", $"is \"{bias}\"; only \"none\" is supported (no trained biases)");
        if (fields.Bool("lora_bias") == true) throw fields.Error("lora_bias", "is true; LoRA biases are not supported");
        if (fields.Has("layer_replication")) throw fields.Error("layer_replication", "is set; layer replication is not supported");
        if (fields.IsString("layers_pattern") && fields.String("layers_pattern") != "layers")
            throw fields.Error("layers_pattern", $"is \"{fields.String("layers_pattern")}\"; Llama models name their layers \"layers\"");
        var config = ReadCommon(new LoraConfig(), fields);
        return config with
        {
            R = fields.Int("r") ?? 8,
            LoraAlpha = fields.Double("lora_alpha") ?? 8,
            LoraDropout = fields.Double("lora_dropout") ?? 0,
            UseRsLora = fields.Bool("use_rslora") ?? false,
            // init_lora_weights may also name an initialisation scheme ("gaussian", "pissa", ...): only its boolean
            // form matters here, and only for fresh adapters.
            InitLoraWeights = fields.IsString("init_lora_weights") || (fields.Bool("init_lora_weights") ?? true),
            RankPattern = fields.NumberMap("rank_pattern").ToDictionary(kv => kv.Key, kv => kv.Value == Math.Floor(kv.Value)
                ? (int)kv.Value : throw fields.Error($"rank_pattern.{kv.Key}", "must be a whole number")),
            AlphaPattern = fields.NumberMap("alpha_pattern"),
        };
    }

    // PEFT matches a pattern key against the end of the module name: re.match(rf"(.*\.)?({key})$", name).
    private static T? Lookup<T>(IReadOnlyDictionary<string, T> patterns, string modulePath) where T : struct
    {
        foreach (var (key, value) in patterns)
        {
            if (Regex.IsMatch(modulePath, $@"^(.*\.)?(?:{key})$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))) return value;
        }
        return null;
    }
}

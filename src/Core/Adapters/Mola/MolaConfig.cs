using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>
/// MoLA settings (<c>peft_type</c> "MOLA"; GCYZSL/MoLA's <c>Linear_MoE</c>): every targeted Linear of layer l holds
/// E_l LoRA experts and a router that sends each token to its top k_l experts. Experts per layer come from an
/// <see cref="ExpertAllocation"/> spec, resolved to one count per layer for a model (<see cref="ResolveFor"/>), and
/// saved that way so a folder is read without the spec.
/// </summary>
public sealed record MolaConfig : AdapterConfig
{
    /// <summary>The peft_type.</summary>
    public const string Type = "MOLA";

    /// <summary>The reference's targets: every projection of attention and the feed-forward block.</summary>
    public static IReadOnlyList<string> AllProjections { get; } = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];

    public MolaConfig()
    {
        TargetModules = AllProjections;
    }

    /// <inheritdoc/>
    public override AdapterKind Kind => MolaKind.Instance;

    /// <summary>r of every expert (the reference's 8).</summary>
    public int R { get; init; } = 8;

    /// <summary>lora_alpha; the scaling is alpha / r (the reference's 16, so 2).</summary>
    public double LoraAlpha { get; init; } = 16;

    /// <summary>Dropout on the experts' input only (the router reads the clean input), in training.</summary>
    public double LoraDropout { get; init; } = 0.05;

    /// <summary>The allocation as the user gave it (groups, a per-layer list or a budget).</summary>
    public string Allocation { get; init; } = "2-4-6-8";

    /// <summary>Top-k as the user gave it: one number or a per-layer list.</summary>
    public string TopKSpec { get; init; } = "2";

    /// <summary>Experts per layer, once resolved for a model.</summary>
    public IReadOnlyList<int>? NumberExperts { get; init; }

    /// <summary>Experts each token is sent to, per layer, once resolved.</summary>
    public IReadOnlyList<int>? TopK { get; init; }

    /// <summary>A bias on the router (MoA's MoE-LoRA baselines; MoLA has none).</summary>
    public bool RouterBias { get; init; }

    /// <summary>Noisy gating in training: logits + softplus(W_noise u)·N(0, 1).</summary>
    public bool RouterNoise { get; init; }

    /// <summary>Weight of the load-balancing loss (the reference: 0 for task fine-tuning, 0.001 for instruction tuning).</summary>
    public double BalanceCoefficient { get; init; }

    /// <summary>"layer" pools the router logits of a layer's modules (MoLA); "module" balances each router alone.</summary>
    public string BalanceScope { get; init; } = "layer";

    /// <summary>"real" counts real tokens only; "all" includes pads as the reference does.</summary>
    public string BalanceTokens { get; init; } = "real";

    /// <summary>"stacked" (two matmuls over all experts, gates zero off the top k) or "grouped" (only the chosen pairs).</summary>
    public string ExpertCompute { get; init; } = "stacked";

    /// <summary>The hidden size of the model the adapter was made for (written on save, checked on load).</summary>
    public int? HiddenSize { get; init; }

    /// <summary>The scaling alpha / r.</summary>
    public double Scaling => LoraAlpha / R;

    /// <summary>Experts at a layer (the config must be resolved).</summary>
    public int ExpertsAt(int layer) => Resolved(NumberExperts, "number_experts", layer);

    /// <summary>Top-k at a layer (the config must be resolved).</summary>
    public int TopKAt(int layer) => Resolved(TopK, "top_k", layer);

    /// <summary>Per-layer counts from <see cref="Allocation"/> and <see cref="TopKSpec"/> for this model's depth; a resolved config is checked against it.</summary>
    public override AdapterConfig ResolveFor(Models.LlamaConfig model)
    {
        var experts = NumberExperts ?? ExpertAllocation.Parse(Allocation, model.NumHiddenLayers);
        if (experts.Count != model.NumHiddenLayers)
            throw new TtLoraException($"field \"number_experts\" has {experts.Count} layers but the model has {model.NumHiddenLayers}");
        var topK = TopK ?? ExpertAllocation.TopK(TopKSpec, experts);
        if (topK.Count != experts.Count) throw new TtLoraException($"field \"top_k\" has {topK.Count} layers but number_experts has {experts.Count}");
        ExpertAllocation.Check(experts, topK, "top_k");
        return this with { NumberExperts = experts, TopK = topK };
    }

    /// <inheritdoc/>
    public override void Validate(string source)
    {
        base.Validate(source);
        if (R < 1) throw TtLoraException.InFile(source, $"field \"r\" is {R}; the LoRA rank must be at least 1");
        if (!double.IsFinite(LoraAlpha)) throw TtLoraException.InFile(source, "field \"lora_alpha\" must be a finite number");
        if (LoraDropout is < 0 or >= 1 || double.IsNaN(LoraDropout)) throw TtLoraException.InFile(source, $"field \"lora_dropout\" is {LoraDropout}; expected a probability in [0, 1)");
        if (!double.IsFinite(BalanceCoefficient) || BalanceCoefficient < 0)
            throw TtLoraException.InFile(source, $"field \"balance.coefficient\" is {BalanceCoefficient}; expected a finite number >= 0");
        if (BalanceScope is not ("layer" or "module")) throw TtLoraException.InFile(source, $"field \"balance.scope\" is \"{BalanceScope}\"; expected \"layer\" or \"module\"");
        if (BalanceTokens is not ("real" or "all")) throw TtLoraException.InFile(source, $"field \"balance.tokens\" is \"{BalanceTokens}\"; expected \"real\" or \"all\"");
        if (ExpertCompute is not ("stacked" or "grouped")) throw TtLoraException.InFile(source, $"field \"expert_compute\" is \"{ExpertCompute}\"; expected \"stacked\" or \"grouped\"");
        if (NumberExperts is { } experts)
        {
            var topK = TopK ?? [.. experts.Select(_ => 1)];
            if (topK.Count != experts.Count) throw TtLoraException.InFile(source, $"field \"top_k\" has {topK.Count} layers but \"number_experts\" has {experts.Count}");
            try
            {
                ExpertAllocation.Check(experts, topK, "number_experts/top_k");
            }
            catch (TtLoraException e)
            {
                throw TtLoraException.InFile(source, e.Message);
            }
        }
    }

    /// <summary>The reference's names: <c>lora_A_{e}.weight</c> <c>[r, in]</c> and <c>lora_B_{e}.weight</c> <c>[out, r]</c> per expert, then the router.</summary>
    public override IReadOnlyList<(string Name, long[] Shape)> ParameterShapes(AdapterSite site, string target)
    {
        int experts = ExpertsAt(site.Layer);
        var shapes = new List<(string, long[])>();
        for (int e = 0; e < experts; e++) shapes.Add(($"lora_A_{e}.weight", [R, site.InFeatures]));
        for (int e = 0; e < experts; e++) shapes.Add(($"lora_B_{e}.weight", [site.OutFeatures, R]));
        shapes.Add((MolaAdapter.RouterWeight, [experts, site.InFeatures]));
        if (RouterBias) shapes.Add((MolaAdapter.RouterBias, [experts]));
        if (RouterNoise) shapes.Add((MolaAdapter.NoiseWeight, [experts, site.InFeatures]));
        return shapes;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> ParameterNames(string moduleName, int layer, string target) =>
        [.. ParameterShapes(new AdapterSite(moduleName, moduleName, layer, 1, 1, true), target).Select(p => p.Name)];

    /// <inheritdoc/>
    public override Adapter CreateAdapter(AdapterSite site, string target, long? seed, ScalarType dtype, Device? device) =>
        new MolaAdapter(site, ExpertsAt(site.Layer), TopKAt(site.Layer), R, LoraAlpha, LoraDropout, RouterBias, RouterNoise, ExpertCompute, seed, dtype, device);

    /// <inheritdoc/>
    public override int PlanRank(AdapterSite site, string target) => R;

    /// <inheritdoc/>
    public override PlanDetails PlanDetails(AdapterSite site, string target) => new MolaPlanDetails(ExpertsAt(site.Layer), TopKAt(site.Layer));

    /// <inheritdoc/>
    public override int? TrainedHiddenSize => HiddenSize;

    /// <summary>Records the hidden size; the per-layer counts are already resolved.</summary>
    public override AdapterConfig CompleteFrom(IReadOnlyList<(AdapterSite Site, Adapter Adapter)> attached, Models.LlamaConfig model)
    {
        var resolved = (MolaConfig)ResolveFor(model);
        foreach (var (site, adapter) in attached)
        {
            var a = (MolaAdapter)adapter;
            if (a.Experts != resolved.ExpertsAt(site.Layer) || a.TopK != resolved.TopKAt(site.Layer) || a.Rank != R)
                throw new TtLoraException($"{site.Path}: the attached MoLA adapter has {a.Experts} experts, top-{a.TopK}, r={a.Rank}, " +
                    $"but the config says {resolved.ExpertsAt(site.Layer)}, top-{resolved.TopKAt(site.Layer)}, r={R}");
        }
        return resolved with { HiddenSize = model.HiddenSize };
    }

    /// <inheritdoc/>
    public override JsonObject ToJson()
    {
        var json = CommonJson();
        json["r"] = R;
        json["lora_alpha"] = LoraAlpha;
        json["lora_dropout"] = LoraDropout;
        json["allocation"] = Allocation;
        json["number_experts"] = NumberExperts is null ? null : new JsonArray([.. NumberExperts.Select(e => (JsonNode?)e)]);
        json["top_k"] = TopK is null ? TopKSpec : new JsonArray([.. TopK.Select(k => (JsonNode?)k)]);
        json["router"] = new JsonObject { ["bias"] = RouterBias, ["noise"] = RouterNoise };
        json["balance"] = new JsonObject { ["coefficient"] = BalanceCoefficient, ["scope"] = BalanceScope, ["tokens"] = BalanceTokens };
        json["expert_compute"] = ExpertCompute;
        json["hidden_size"] = HiddenSize;
        return json;
    }

    internal static MolaConfig FromJson(JsonFields fields)
    {
        var config = ReadCommon(new MolaConfig(), fields);
        var router = fields.Object("router");
        var balance = fields.Object("balance");
        IReadOnlyList<int>? topK = fields.IsString("top_k") ? null : fields.IntList("top_k");
        return config with
        {
            R = fields.Int("r") ?? 8,
            LoraAlpha = fields.Double("lora_alpha") ?? 16,
            LoraDropout = fields.Double("lora_dropout") ?? 0.05,
            Allocation = fields.String("allocation") ?? "2-4-6-8",
            NumberExperts = fields.IntList("number_experts"),
            TopK = topK,
            TopKSpec = fields.IsString("top_k") ? fields.String("top_k")! : topK is null ? "2" : string.Join(",", topK),
            RouterBias = router?.Bool("bias") ?? false,
            RouterNoise = router?.Bool("noise") ?? false,
            BalanceCoefficient = balance?.Double("coefficient") ?? 0,
            BalanceScope = balance?.String("scope") ?? "layer",
            BalanceTokens = balance?.String("tokens") ?? "real",
            ExpertCompute = fields.String("expert_compute") ?? "stacked",
            HiddenSize = fields.Int("hidden_size"),
        };
    }

    private static int Resolved(IReadOnlyList<int>? values, string field, int layer) =>
        values is null ? throw new TtLoraException($"{field} is not resolved for a model yet (the allocation is per layer)")
        : layer < values.Count ? values[layer] : throw new TtLoraException($"field \"{field}\" has no entry for layer {layer} (it lists {values.Count} layers)");
}

using TtLora.Core.Routing;
using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>LoRA as Hugging Face PEFT defines and stores it (<c>peft_type</c> LORA).</summary>
public sealed class LoraKind : AdapterKind
{
    public static LoraKind Instance { get; } = new();

    private LoraKind()
    {
    }

    public override string Name => "lora";
    public override string PeftType => LoraConfig.Type;
    public override string Summary => "LoRA (PEFT's format): delta W = (alpha / r) B A on each target Linear";
    public override bool AttachesToLinear => true;

    /// <summary>PAPERS.md's rate for the LoRA baseline.</summary>
    public override double DefaultLearningRate => 5e-4;

    public override AdapterConfig FromOptions(AdapterOptions options)
    {
        options.RejectFactors(this);
        return new LoraConfig
        {
            R = options.Rank ?? 16, LoraAlpha = options.Alpha ?? 8, TargetModules = options.Targets ?? ["q_proj", "v_proj"],
            LayersToTransform = options.Layers, ModulesToSave = options.ModulesToSave,
        };
    }

    internal override AdapterConfig ReadConfig(JsonFields fields) => LoraConfig.FromJson(fields);

    public override (int In, int Out) FeaturesFromTensors(AdapterConfig config, string moduleName, string target, IReadOnlyDictionary<string, Tensor> tensors) =>
        ((int)tensors["lora_A.weight"].shape[^1], (int)tensors["lora_B.weight"].shape[0]);

    /// <summary>Per layer, the singular values of the effective update <c>scaling · B A</c> (at most r of them).</summary>
    public override IReadOnlyList<ModuleDetails> Describe(AdapterConfig config, IReadOnlyList<AdapterSiteTensors> sites)
    {
        var lora = (LoraConfig)config;
        var rows = sites.Select(s =>
        {
            var (a, b) = (s.Tensors["lora_A.weight"], s.Tensors["lora_B.weight"]);
            int rank = (int)a.shape[0];
            double alpha = lora.AlphaFor(s.Site.Path);
            double scaling = LoraAdapter.ScalingFor(alpha, rank, lora.UseRsLora);
            // delta W = scaling * B A = scaling * (A^T B^T)^T: the factors in [in, r] and [r, out] form.
            return (s.Site, Rank: rank, Alpha: alpha, Scaling: scaling, Layer: new LayerDetails(s.Site.Layer, Spectra.OfLowRank(a.t(), b.t(), scaling), []));
        }).ToList();
        // rank_pattern can give layers of one module different ranks: each distinct shape is its own entry.
        return [.. rows.GroupBy(r => (r.Site.Name, r.Site.InFeatures, r.Site.OutFeatures, r.Rank, r.Alpha))
            .Select(g => (ModuleDetails)new LoraModuleDetails(g.Key.Name, [.. g.Select(r => r.Site.Layer)], g.Key.InFeatures, g.Key.OutFeatures, g.Key.Rank,
                g.Key.Alpha, g.First().Scaling, [.. g.Select(r => r.Layer)]))];
    }

    public override MixtureStack CreateMixtureStack(AdapterSite site) => new LowRankMixtureStack(site);
}

using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>MoLA: routed LoRA experts on every target Linear, a different number per layer (<c>peft_type</c> MOLA).</summary>
public sealed class MolaKind : AdapterKind
{
    public static MolaKind Instance { get; } = new();

    private MolaKind()
    {
    }

    public override string Name => "mola";
    public override string PeftType => MolaConfig.Type;
    public override string Summary => "MoLA: E_l LoRA experts per target Linear of layer l, top-k token routing (never merged)";
    public override bool AttachesToLinear => true;

    /// <summary>The reference recipe's rate.</summary>
    public override double DefaultLearningRate => 3e-4;

    /// <summary>--rank is each expert's r (default 8); --allocation and --top-k place the experts; routing settings come from <c>mola train</c>'s own options.</summary>
    public override AdapterConfig FromOptions(AdapterOptions options)
    {
        options.RejectFactors(this);
        return new MolaConfig
        {
            R = options.Rank ?? 8, LoraAlpha = options.Alpha ?? 16, TargetModules = options.Targets ?? MolaConfig.AllProjections,
            LayersToTransform = options.Layers, ModulesToSave = options.ModulesToSave,
            Allocation = options.Allocation ?? "2-4-6-8", TopKSpec = options.TopK ?? "2",
        };
    }

    internal override AdapterConfig ReadConfig(JsonFields fields) => MolaConfig.FromJson(fields);

    public override (int In, int Out) FeaturesFromTensors(AdapterConfig config, string moduleName, string target, IReadOnlyDictionary<string, Tensor> tensors) =>
        ((int)tensors["lora_A_0.weight"].shape[^1], (int)tensors["lora_B_0.weight"].shape[0]);

    /// <summary>Per layer: each expert's update norm and the pairwise cosine similarity of the experts' updates.</summary>
    public override IReadOnlyList<ModuleDetails> Describe(AdapterConfig config, IReadOnlyList<AdapterSiteTensors> sites)
    {
        var mola = (MolaConfig)config;
        return [.. sites.GroupBy(s => s.Site.Name).Select(g => (ModuleDetails)new MolaModuleDetails(g.Key, [.. g.Select(s => s.Site.Layer)],
            g.First().Site.InFeatures, g.First().Site.OutFeatures, mola.R, mola.Scaling,
            [.. g.Select(s => MolaModuleDetails.Layer(s.Site.Layer, s.Tensors, mola.ExpertsAt(s.Site.Layer), mola.TopKAt(s.Site.Layer), mola.Scaling))]))];
    }
}

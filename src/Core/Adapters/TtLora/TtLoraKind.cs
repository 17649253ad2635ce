using TtLora.Core.Routing;
using TtLora.Core.TensorTrains;
using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>TT-LoRA: the update of each target Linear is a tensor train (<c>peft_type</c> TTLORA, this project's format).</summary>
public sealed class TtLoraKind : AdapterKind
{
    public static TtLoraKind Instance { get; } = new();

    private TtLoraKind()
    {
    }

    public override string Name => "tt-lora";
    public override string PeftType => TtLoraConfig.Type;
    public override string Summary => "TT-LoRA: delta W = alpha · TT(cores), a tensor train on each target Linear";
    public override bool AttachesToLinear => true;

    /// <summary>The TT-LoRA MoE paper's rate.</summary>
    public override double DefaultLearningRate => 5e-3;

    public override AdapterConfig FromOptions(AdapterOptions options)
    {
        options.RejectFactors(this);
        return FromCheckedOptions(options);
    }

    static TtLoraConfig FromCheckedOptions(AdapterOptions options) => new()
    {
        R = options.Rank ?? 5, Alpha = options.Alpha ?? TtLoraAdapter.DefaultAlpha, TargetModules = options.Targets ?? ["q_proj", "v_proj"],
        LayersToTransform = options.Layers, ModulesToSave = options.ModulesToSave,
        InputFactors = options.InputFactors ?? new Dictionary<string, IReadOnlyList<int>>(),
        OutputFactors = options.OutputFactors ?? new Dictionary<string, IReadOnlyList<int>>(),
    };

    internal override AdapterConfig ReadConfig(JsonFields fields) => TtLoraConfig.FromJson(fields);

    public override (int In, int Out) FeaturesFromTensors(AdapterConfig config, string moduleName, string target, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var shape = ((TtLoraConfig)config).ExplicitShape(moduleName, target);
        return (shape.InFeatures, shape.OutFeatures);
    }

    /// <summary>
    /// Per module: the train's shape and compression; per layer: the update's singular values (at most the bridge rank,
    /// from the two factors without forming the dense update) and each core's unfolding with its spectrum.
    /// </summary>
    public override IReadOnlyList<ModuleDetails> Describe(AdapterConfig config, IReadOnlyList<AdapterSiteTensors> sites)
    {
        var tt = (TtLoraConfig)config;
        var modules = new List<ModuleDetails>();
        foreach (var group in sites.GroupBy(s => s.Site.Name))
        {
            var shape = tt.ShapeFor(group.First().Site, group.First().Target);
            var perLayer = new List<LayerDetails>();
            foreach (var site in group)
            {
                using var scope = NewDisposeScope();
                var cores = Enumerable.Range(0, shape.CoreCount).Select(k => site.Tensors[TtLoraConfig.CoreName(k)].to(ScalarType.Float64)).ToList();
                var (a, b) = TtOps.Factors(cores, shape);
                perLayer.Add(new LayerDetails(site.Site.Layer, Spectra.OfLowRank(a, b, tt.Alpha),
                    [.. cores.Select((core, k) => CoreDetails.Of(core, k, k < shape.InputCoreCount))]));
            }
            modules.Add(new TtModuleDetails(group.Key, [.. group.Select(s => s.Site.Layer)], shape, tt.Alpha, perLayer));
        }
        return modules;
    }

    public override MixtureStack CreateMixtureStack(AdapterSite site) => new LowRankMixtureStack(site);
}

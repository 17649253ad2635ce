using TtLora.Core.Routing;
using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>The Pfeiffer bottleneck adapter after each selected layer's feed-forward block (<c>peft_type</c> BOTTLENECK).</summary>
public sealed class BottleneckKind : AdapterKind
{
    public static BottleneckKind Instance { get; } = new();

    private BottleneckKind()
    {
    }

    public override string Name => "bottleneck";
    public override string PeftType => BottleneckConfig.Type;
    public override string Summary => "Pfeiffer bottleneck: h + up(act(down(h))) after each feed-forward block";
    public override bool AttachesToLinear => false;

    /// <summary>PAPERS.md's rate for the bottleneck baseline.</summary>
    public override double DefaultLearningRate => 1e-4;

    /// <summary><c>--rank</c> gives the bottleneck width (default hidden / 16).</summary>
    public override AdapterConfig FromOptions(AdapterOptions options) => BlockOptions(new BottleneckConfig(), options, this);

    internal override AdapterConfig ReadConfig(JsonFields fields) => BottleneckConfig.FromJson(new BottleneckConfig(), fields);

    public override (int In, int Out) FeaturesFromTensors(AdapterConfig config, string moduleName, string target, IReadOnlyDictionary<string, Tensor> tensors) =>
        BlockFeatures(tensors);

    public override IReadOnlyList<ModuleDetails> Describe(AdapterConfig config, IReadOnlyList<AdapterSiteTensors> sites) => DescribeBlocks((BottleneckConfig)config, sites);

    public override MixtureStack CreateMixtureStack(AdapterSite site) => new BlockMixtureStack(site, AdapterPlacement.Sequential);

    // Shared with the parallel kind, which has the same settings, tensors and description.
    internal static BottleneckConfig BlockOptions(BottleneckConfig empty, AdapterOptions options, AdapterKind kind)
    {
        options.RejectFactors(kind);
        if (options.Targets is { } targets && targets.Any(t => t != LlamaAdapterSites.MlpBlock))
            throw new TtLoraException($"--targets: {kind.Name} adapters attach to the feed-forward block \"{LlamaAdapterSites.MlpBlock}\", not to {string.Join(", ", targets.Where(t => t != LlamaAdapterSites.MlpBlock))}");
        return empty with { BottleneckSize = options.Rank, LayersToTransform = options.Layers, ModulesToSave = options.ModulesToSave };
    }

    internal static (int In, int Out) BlockFeatures(IReadOnlyDictionary<string, Tensor> tensors)
    {
        int hidden = (int)tensors["adapter_down.weight"].shape[^1];
        return (hidden, hidden);
    }

    internal static IReadOnlyList<ModuleDetails> DescribeBlocks(BottleneckConfig config, IReadOnlyList<AdapterSiteTensors> sites) =>
        [.. sites.GroupBy(s => (s.Site.Name, Hidden: s.Site.OutFeatures, Width: (int)s.Tensors["adapter_down.weight"].shape[0]))
            .Select(g => (ModuleDetails)new BottleneckModuleDetails(g.Key.Name, [.. g.Select(s => s.Site.Layer)], g.Key.Hidden, g.Key.Width, config.NonLinearity,
                config.Kind.Name))];
}

using TtLora.Core.Routing;
using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>The parallel adapter beside each selected layer's feed-forward block (<c>peft_type</c> PARALLEL).</summary>
public sealed class ParallelKind : AdapterKind
{
    public static ParallelKind Instance { get; } = new();

    private ParallelKind()
    {
    }

    public override string Name => "parallel";
    public override string PeftType => ParallelConfig.Type;
    public override string Summary => "parallel adapter: mlp(x) + up(act(down(x))) beside each feed-forward block";
    public override bool AttachesToLinear => false;

    /// <summary>Measured on the demo tasks (see the README's adapter comparison).</summary>
    public override double DefaultLearningRate => 1e-3;

    /// <summary><c>--rank</c> gives the bottleneck width (default hidden / 16).</summary>
    public override AdapterConfig FromOptions(AdapterOptions options) => BottleneckKind.BlockOptions(new ParallelConfig(), options, this);

    internal override AdapterConfig ReadConfig(JsonFields fields) => BottleneckConfig.FromJson(new ParallelConfig(), fields);

    public override (int In, int Out) FeaturesFromTensors(AdapterConfig config, string moduleName, string target, IReadOnlyDictionary<string, Tensor> tensors) =>
        BottleneckKind.BlockFeatures(tensors);

    public override IReadOnlyList<ModuleDetails> Describe(AdapterConfig config, IReadOnlyList<AdapterSiteTensors> sites) =>
        BottleneckKind.DescribeBlocks((BottleneckConfig)config, sites);

    public override MixtureStack CreateMixtureStack(AdapterSite site) => new BlockMixtureStack(site, AdapterPlacement.Parallel);
}

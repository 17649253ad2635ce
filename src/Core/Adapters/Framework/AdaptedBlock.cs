using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>
/// A frozen block of a decoder layer (the feed-forward <c>mlp</c>) with block-level adapters: serial ones read the
/// block's output (the Pfeiffer bottleneck), parallel ones its input. They are not linear maps of a Linear's input,
/// so they cannot be merged.
/// </summary>
public sealed class AdaptedBlock : AdaptedModule
{
    /// <param name="path">The block's name in the model, e.g. <c>model.layers.0.mlp</c>.</param>
    /// <param name="baseLayer">The frozen block.</param>
    /// <param name="hiddenSize">Width of the block's input and output.</param>
    public AdaptedBlock(string path, nn.Module<Tensor, Tensor> baseLayer, int hiddenSize) : base(nameof(AdaptedBlock), path, baseLayer)
    {
        HiddenSize = hiddenSize;
    }

    /// <summary>Width of the block's input and output.</summary>
    public int HiddenSize { get; }

    /// <inheritdoc/>
    protected override void CheckCompatible(Adapter adapter)
    {
        if (adapter is not BlockAdapter block)
            throw new TtLoraException($"{Path}: a {adapter.Kind} adapter cannot be attached to a whole block; attach it to a Linear inside it");
        if (block.HiddenSize != HiddenSize)
            throw new TtLoraException($"{Path}: the adapter was built for hidden size {block.HiddenSize} but the block has {HiddenSize}");
    }

    /// <summary>The block's last step is a Linear, whose backward needs its input, not its output: a parallel adapter can add in place.</summary>
    protected override bool AddInPlaceIsSafe(Adapter adapter) => adapter.Placement == AdapterPlacement.Parallel;
}

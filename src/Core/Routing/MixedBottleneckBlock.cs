using TtLora.Core.Adapters;
using static TorchSharp.torch;

namespace TtLora.Core.Routing;

/// <summary>
/// A frozen feed-forward block plus one bottleneck adapter per batch row, reading the block's output (serial,
/// Pfeiffer: <c>h = mlp(x); y_i = h_i + up[e_i](act(down[e_i](h_i)))</c>) or its input (parallel:
/// <c>y_i = mlp(x)_i + up[e_i](act(down[e_i](x_i)))</c>). Down/up weights and biases are stacked per expert
/// (zero-padded to a common width: a zero unit has zero input, act(0) = 0 for every supported activation, and zero
/// output weights) and gathered per row for batched matmuls. An expert without an adapter here has all zeros.
/// </summary>
public sealed class MixedBottleneckBlock : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> base_layer;
    private readonly Tensor down, downBias, up, upBias;
    private readonly ExpertSelection selection;

    /// <param name="path">The block's name in the model.</param>
    /// <param name="baseLayer">The frozen block (becomes a child).</param>
    /// <param name="down">Down weights transposed, <c>[experts, hidden, b]</c>.</param>
    /// <param name="downBias"><c>[experts, b]</c>.</param>
    /// <param name="up">Up weights transposed, <c>[experts, b, hidden]</c>.</param>
    /// <param name="upBias"><c>[experts, hidden]</c>.</param>
    /// <param name="nonLinearity">One of <see cref="BottleneckAdapter.NonLinearities"/>, shared by all experts.</param>
    /// <param name="placement">Whether the adapters read the block's output (sequential) or its input (parallel).</param>
    /// <param name="selection">The per-row expert choice shared by the model's mixed modules.</param>
    public MixedBottleneckBlock(string path, nn.Module<Tensor, Tensor> baseLayer, Tensor down, Tensor downBias, Tensor up, Tensor upBias,
        string nonLinearity, AdapterPlacement placement, ExpertSelection selection) : base(nameof(MixedBottleneckBlock))
    {
        if (!BottleneckAdapter.NonLinearities.Contains(nonLinearity))
            throw new TtLoraException($"{path}: non-linearity \"{nonLinearity}\" is not one of {string.Join(", ", BottleneckAdapter.NonLinearities)}");
        Path = path;
        base_layer = baseLayer;
        this.down = down.detach().DetachFromDisposeScope();
        this.downBias = downBias.detach().DetachFromDisposeScope();
        this.up = up.detach().DetachFromDisposeScope();
        this.upBias = upBias.detach().DetachFromDisposeScope();
        NonLinearity = nonLinearity;
        Placement = placement;
        this.selection = selection;
        register_module(nameof(base_layer), baseLayer);
    }

    /// <summary>The block's name in the model.</summary>
    public string Path { get; }

    /// <summary>The activation between the projections.</summary>
    public string NonLinearity { get; }

    /// <summary>Whether the adapters read the block's output or its input.</summary>
    public AdapterPlacement Placement { get; }

    /// <summary>The frozen block.</summary>
    public nn.Module<Tensor, Tensor> Base => base_layer;

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        var index = selection.AdapterIndex;
        if (index is null) return base_layer.call(x);
        using var scope = NewDisposeScope();
        var h = base_layer.call(x);
        var read = Placement == AdapterPlacement.Parallel ? x : h;
        var inner = read.bmm(down.index_select(0, index)).add(downBias.index_select(0, index).unsqueeze(1));
        var activated = BottleneckAdapter.Activate(NonLinearity, inner);
        var delta = activated.bmm(up.index_select(0, index)).add(upBias.index_select(0, index).unsqueeze(1));
        return h.add(delta).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            down.Dispose(); downBias.Dispose(); up.Dispose(); upBias.Dispose();
        }
        base.Dispose(disposing);
    }
}

using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TtLora.Core.Routing;

/// <summary>
/// A frozen Linear plus one low-rank expert per batch row: <c>y_i = W0 x_i + x_i @ A[e_i] @ B[e_i]</c>. The experts'
/// factors are stacked (zero-padded to a common rank, which adds exact zeros) as A <c>[experts, in, r]</c> and
/// B <c>[experts, r, out]</c>; a forward gathers each row's pair and applies them with two batched matmuls, so a batch
/// routed to different experts still takes one pass. An expert that does not adapt this Linear has zero factors.
/// </summary>
public sealed class MixedLowRankLinear : nn.Module<Tensor, Tensor>
{
    private readonly Linear base_layer;
    private readonly Tensor stackedA;
    private readonly Tensor stackedB;
    private readonly ExpertSelection selection;

    /// <param name="path">The Linear's name in the model.</param>
    /// <param name="baseLayer">The frozen Linear (becomes a child).</param>
    /// <param name="a">A factors <c>[experts, in, r]</c>, scaling included in B.</param>
    /// <param name="b">B factors <c>[experts, r, out]</c>.</param>
    /// <param name="selection">The per-row expert choice shared by the model's mixed modules.</param>
    public MixedLowRankLinear(string path, Linear baseLayer, Tensor a, Tensor b, ExpertSelection selection) : base(nameof(MixedLowRankLinear))
    {
        long inFeatures = baseLayer.weight!.shape[1], outFeatures = baseLayer.weight!.shape[0];
        if (a.dim() != 3 || b.dim() != 3 || a.shape[0] != b.shape[0] || a.shape[1] != inFeatures || b.shape[2] != outFeatures || a.shape[2] != b.shape[1])
            throw new TtLoraException($"{path}: stacked factors [{string.Join(",", a.shape)}] and [{string.Join(",", b.shape)}] do not fit a {inFeatures} -> {outFeatures} Linear");
        Path = path;
        base_layer = baseLayer;
        stackedA = a.detach().to(baseLayer.weight!.dtype).DetachFromDisposeScope();
        stackedB = b.detach().to(baseLayer.weight!.dtype).DetachFromDisposeScope();
        this.selection = selection;
        register_module(nameof(base_layer), baseLayer);
    }

    /// <summary>The Linear's name in the model.</summary>
    public string Path { get; }

    /// <summary>The frozen Linear.</summary>
    public Linear Base => base_layer;

    /// <summary>Number of expert slots.</summary>
    public long Experts => stackedA.shape[0];

    /// <summary>The common (padded) rank.</summary>
    public long Rank => stackedA.shape[2];

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        var index = selection.AdapterIndex;
        if (index is null) return base_layer.call(x);
        if (x.dim() != 3 || x.shape[0] != index.shape[0])
            throw new InvalidOperationException($"{Path}: input [{string.Join(",", x.shape)}] does not match the {index.shape[0]} selected experts");
        using var scope = NewDisposeScope();
        var a = stackedA.index_select(0, index);   // [batch, in, r]
        var b = stackedB.index_select(0, index);   // [batch, r, out]
        var delta = x.bmm(a).bmm(b);
        return base_layer.call(x).add(delta).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            stackedA.Dispose();
            stackedB.Dispose();
        }
        base.Dispose(disposing);
    }
}

using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>
/// A trainable delta on a frozen Linear: <c>forward(x [..., in]) = delta_y [..., out]</c>, linear in x, so it
/// equals <c>x @ DenseDelta()^T</c> and can be merged into the base weight.
/// </summary>
public abstract class LinearAdapter : Adapter
{
    protected LinearAdapter(string name, int inFeatures, int outFeatures) : base(name)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
    }

    /// <summary>Input features of the Linear this delta belongs to.</summary>
    public int InFeatures { get; }

    /// <summary>Output features of the Linear this delta belongs to.</summary>
    public int OutFeatures { get; }

    /// <inheritdoc/>
    public override AdapterPlacement Placement => AdapterPlacement.Parallel;

    /// <summary>The full update <c>[out, in]</c>, scaling included, so merging is <c>W += DenseDelta()</c>.</summary>
    public abstract Tensor DenseDelta();
}

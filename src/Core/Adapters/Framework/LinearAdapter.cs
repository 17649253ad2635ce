namespace TtLora.Core.Adapters;

/// <summary>
/// A trainable delta on a frozen Linear: <c>forward(x [..., in]) = delta_y [..., out]</c>, read from the Linear's
/// input and added to its output. When the delta is linear in x the adapter also implements
/// <see cref="IMergeableAdapter"/>; an input-dependent delta (a routed mixture, a gate) does not, and is never merged.
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
}

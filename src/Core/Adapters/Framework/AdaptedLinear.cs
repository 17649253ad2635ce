using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>
/// A frozen Linear with adapters on its input (LoRA, TT-LoRA, input-dependent ones). An active adapter whose delta is
/// linear (<see cref="IMergeableAdapter"/>) can be merged into the base weight
/// (<c>W += delta</c>, no gradient) and unmerged again (<c>W -= delta</c>, recomputed from the adapter, so do not
/// train it while merged). Merging twice is refused; disabling adapters unmerges first, so a disabled module
/// always computes the base function.
/// </summary>
public sealed class AdaptedLinear : AdaptedModule
{
    public AdaptedLinear(string path, Linear baseLayer) : base(nameof(AdaptedLinear), path, baseLayer)
    {
        InFeatures = (int)baseLayer.weight!.shape[1];
        OutFeatures = (int)baseLayer.weight!.shape[0];
    }

    /// <summary>The frozen Linear.</summary>
    public Linear Base => (Linear)BaseLayer;

    /// <summary>Input features of the base Linear.</summary>
    public int InFeatures { get; }

    /// <summary>Output features of the base Linear.</summary>
    public int OutFeatures { get; }

    /// <summary>The adapter whose delta is currently inside the base weight, or null.</summary>
    public string? MergedAdapter { get; private set; }

    /// <summary>Adds the active adapter's delta into the base weight.</summary>
    public void Merge()
    {
        var name = ActiveAdapter ?? throw new TtLoraException($"{Path}: no active adapter to merge");
        if (GetAdapter(name) is not IMergeableAdapter)
            throw new TtLoraException($"{Path}: adapter \"{name}\" ({GetAdapter(name).Kind}) depends on its input in a way no weight update can hold, so it cannot be merged");
        if (MergedAdapter is not null)
            throw new TtLoraException($"{Path}: adapter \"{MergedAdapter}\" is already merged; unmerge it before merging again");
        ApplyDelta(name, sign: +1);
        MergedAdapter = name;
    }

    /// <summary>Subtracts the merged adapter's delta from the base weight.</summary>
    public void Unmerge()
    {
        var name = MergedAdapter ?? throw new TtLoraException($"{Path}: no adapter is merged");
        ApplyDelta(name, sign: -1);
        MergedAdapter = null;
    }

    /// <inheritdoc/>
    public override void SetActiveAdapter(string? name)
    {
        if (MergedAdapter is not null && name != MergedAdapter)
            throw new TtLoraException($"{Path}: adapter \"{MergedAdapter}\" is merged; unmerge it before switching adapters");
        base.SetActiveAdapter(name);
    }

    /// <inheritdoc/>
    public override Adapter RemoveAdapter(string name)
    {
        if (MergedAdapter == name) throw new TtLoraException($"{Path}: adapter \"{name}\" is merged; unmerge it before removing it");
        return base.RemoveAdapter(name);
    }

    /// <inheritdoc/>
    protected override Adapter? RunningAdapter() =>
        MergedAdapter is not null && MergedAdapter == ActiveAdapter ? null : base.RunningAdapter();

    /// <summary>A Linear's backward needs its input, not its output, and a parallel adapter reads only the input.</summary>
    protected override bool AddInPlaceIsSafe(Adapter adapter) => adapter.Placement == AdapterPlacement.Parallel;

    /// <inheritdoc/>
    protected override void BeforeDisable()
    {
        if (MergedAdapter is not null) Unmerge();
    }

    /// <inheritdoc/>
    protected override void CheckCompatible(Adapter adapter)
    {
        if (adapter is not LinearAdapter linear)
            throw new TtLoraException($"{Path}: a {adapter.Kind} adapter cannot be attached to a Linear layer");
        if (linear.InFeatures != InFeatures || linear.OutFeatures != OutFeatures)
            throw new TtLoraException(
                $"{Path}: the adapter maps {linear.InFeatures} -> {linear.OutFeatures} features but the Linear maps {InFeatures} -> {OutFeatures}");
    }

    private void ApplyDelta(string name, int sign)
    {
        var adapter = (IMergeableAdapter)GetAdapter(name);
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        var weight = Base.weight!;
        var delta = adapter.DenseDelta().to(weight.dtype, weight.device);
        if (sign > 0) weight.add_(delta);
        else weight.sub_(delta);
    }
}

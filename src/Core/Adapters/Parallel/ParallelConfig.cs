namespace TtLora.Core.Adapters;

/// <summary>
/// Parallel adapter settings (<c>peft_type</c> "PARALLEL", this project's format; He et al. 2022, "Towards a unified
/// view of parameter-efficient transfer learning"): a bottleneck <c>up(act(down(x)))</c> reading each selected
/// layer's feed-forward input x and added to that block's output, <c>y = mlp(x) + up(act(down(x)))</c>. Same settings
/// and tensors as the serial bottleneck (<see cref="BottleneckConfig"/>), so the two differ only in where they read.
/// </summary>
public sealed record ParallelConfig : BottleneckConfig
{
    /// <summary>The peft_type.</summary>
    public new const string Type = "PARALLEL";

    /// <inheritdoc/>
    public override AdapterKind Kind => ParallelKind.Instance;

    /// <inheritdoc/>
    public override AdapterPlacement Placement => AdapterPlacement.Parallel;

    internal override string PlacementName => "mlp_parallel";
}

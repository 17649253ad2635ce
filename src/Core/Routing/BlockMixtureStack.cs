using TtLora.Core.Adapters;
using static TorchSharp.torch;

namespace TtLora.Core.Routing;

/// <summary>
/// Bottleneck experts on a feed-forward block (serial after it, or parallel to it), stacked per expert and
/// zero-padded to a common width into a <see cref="MixedBottleneckBlock"/>. A bottleneck is not linear, so its
/// uniform merge is the mean of the experts' weights (parameter averaging).
/// </summary>
public sealed class BlockMixtureStack(AdapterSite site, AdapterPlacement placement) : MixtureStack(site)
{
    private readonly List<(int Slot, Tensor Down, Tensor DownBias, Tensor Up, Tensor UpBias, string NonLinearity)> experts = [];

    /// <inheritdoc/>
    public override bool Accepts(Adapter adapter) => adapter is BottleneckAdapter && adapter.Placement == placement;

    /// <inheritdoc/>
    public override void Add(int slot, Adapter adapter)
    {
        var bottleneck = (BottleneckAdapter)adapter;
        using var scope = NewDisposeScope();
        experts.Add((slot, Keep(bottleneck.DownWeight), Keep(bottleneck.DownBias), Keep(bottleneck.UpWeight), Keep(bottleneck.UpBias), bottleneck.NonLinearity));
    }

    /// <inheritdoc/>
    public override nn.Module<Tensor, Tensor> Build(nn.Module<Tensor, Tensor> frozen, int expertCount, bool withUniformMerge, ExpertSelection selection,
        ScalarType dtype, Device device)
    {
        var activations = experts.Select(e => e.NonLinearity).Distinct().ToList();
        if (activations.Count > 1)
            throw new TtLoraException($"{Site.Path}: bottleneck experts use different non-linearities ({string.Join(", ", activations)}); one batched pass needs one");
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        int slots = expertCount + (withUniformMerge ? 1 : 0);
        int width = experts.Max(e => (int)e.Down.shape[0]);
        int hidden = Site.OutFeatures;
        var down = torch.zeros(slots, hidden, width);
        var downBias = torch.zeros(slots, width);
        var up = torch.zeros(slots, width, hidden);
        var upBias = torch.zeros(slots, hidden);
        foreach (var e in experts)
        {
            long w = e.Down.shape[0];
            down[e.Slot].narrow(1, 0, w).copy_(e.Down.t());
            downBias[e.Slot].narrow(0, 0, w).copy_(e.DownBias);
            up[e.Slot].narrow(0, 0, w).copy_(e.Up.t());
            upBias[e.Slot].copy_(e.UpBias);
        }
        if (withUniformMerge)
        {
            down[expertCount].copy_(down.narrow(0, 0, expertCount).mean([0]));
            downBias[expertCount].copy_(downBias.narrow(0, 0, expertCount).mean([0]));
            up[expertCount].copy_(up.narrow(0, 0, expertCount).mean([0]));
            upBias[expertCount].copy_(upBias.narrow(0, 0, expertCount).mean([0]));
        }
        return new MixedBottleneckBlock(Site.Path, frozen, down.to(dtype, device), downBias.to(dtype, device), up.to(dtype, device), upBias.to(dtype, device),
            activations[0], placement, selection);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        foreach (var e in experts) { e.Down.Dispose(); e.DownBias.Dispose(); e.Up.Dispose(); e.UpBias.Dispose(); }
        experts.Clear();
    }
}

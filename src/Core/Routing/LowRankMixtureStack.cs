using TorchSharp.Modules;
using TtLora.Core.Adapters;
using static TorchSharp.torch;

namespace TtLora.Core.Routing;

/// <summary>
/// Low-rank linear experts (TT-LoRA, LoRA) at one Linear: each expert's factors A <c>[in, r]</c> and B <c>[r, out]</c>
/// (scaling included), zero-padded to a common rank into a <see cref="MixedLowRankLinear"/>. The uniform merge
/// concatenates every expert's factors along the rank with B divided by the number of experts: exactly the mean of
/// the dense deltas.
/// </summary>
public sealed class LowRankMixtureStack(AdapterSite site) : MixtureStack(site)
{
    private readonly List<(int Slot, Tensor A, Tensor B)> experts = [];

    /// <inheritdoc/>
    public override bool Accepts(Adapter adapter) => adapter is ILowRankAdapter;

    /// <inheritdoc/>
    public override void Add(int slot, Adapter adapter)
    {
        using var scope = NewDisposeScope();
        var (a, b) = ((ILowRankAdapter)adapter).LowRankFactors();
        experts.Add((slot, Keep(a), Keep(b)));
    }

    /// <inheritdoc/>
    public override nn.Module<Tensor, Tensor> Build(nn.Module<Tensor, Tensor> frozen, int expertCount, bool withUniformMerge, ExpertSelection selection,
        ScalarType dtype, Device device)
    {
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        int slots = expertCount + (withUniformMerge ? 1 : 0);
        int mergedRank = experts.Sum(e => (int)e.A.shape[1]);
        int rank = Math.Max(experts.Max(e => (int)e.A.shape[1]), withUniformMerge ? mergedRank : 0);
        var a = torch.zeros(slots, Site.InFeatures, rank);
        var b = torch.zeros(slots, rank, Site.OutFeatures);
        int offset = 0;
        foreach (var (slot, ea, eb) in experts)
        {
            long r = ea.shape[1];
            a[slot].narrow(1, 0, r).copy_(ea);
            b[slot].narrow(0, 0, r).copy_(eb);
            if (withUniformMerge)
            {
                a[expertCount].narrow(1, offset, r).copy_(ea);
                b[expertCount].narrow(0, offset, r).copy_(eb.div(expertCount));
                offset += (int)r;
            }
        }
        var linear = frozen as Linear ?? throw new InvalidOperationException($"{Site.Path} is not a plain Linear");
        return new MixedLowRankLinear(Site.Path, linear, a.to(dtype, device), b.to(dtype, device), selection);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        foreach (var (_, a, b) in experts) { a.Dispose(); b.Dispose(); }
        experts.Clear();
    }
}

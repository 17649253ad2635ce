using static TorchSharp.torch;

namespace TtLora.Core.Mixtures;

/// <summary>
/// The Switch-style load-balancing loss of token routers. For one group of router logits <c>[N, E]</c> (N tokens):
/// <c>p = softmax(logits)</c>, <c>I = top-k(p)</c>, <c>f_e = #{(row, slot) choosing e} / (k·N)</c> (no gradient),
/// <c>P_e = mean over rows of p_e</c> (with gradient), <c>L = E · Σ_e f_e P_e</c>, which is 1 when routing is perfectly
/// balanced. Groups are a layer's modules pooled (MoLA: <c>layer</c>) or each module alone (<c>module</c>); the total
/// is the sum over groups (not the mean), as in the reference.
/// </summary>
public static class LoadBalanceLoss
{
    /// <summary>One router's logits of the last forward.</summary>
    /// <param name="Layer">Decoder layer.</param>
    /// <param name="Module">Module path (the group key with module scope).</param>
    /// <param name="Logits"><c>[N, E]</c> rows in (batch, position) order.</param>
    /// <param name="TopK">k of that router.</param>
    public sealed record Router(int Layer, string Module, Tensor Logits, int TopK);

    /// <summary>The loss of one group of logits <c>[N, E]</c>.</summary>
    public static Tensor OfGroup(Tensor logits, int topK)
    {
        using var scope = NewDisposeScope();
        long rows = logits.shape[0], experts = logits.shape[1];
        var p = logits.to(ScalarType.Float32).softmax(-1);
        Tensor fraction;
        using (torch.no_grad())
        {
            var (_, chosen) = p.topk(topK, dim: -1);
            fraction = torch.zeros(experts, dtype: ScalarType.Float32, device: p.device)
                .index_add(0, chosen.reshape(-1), torch.ones(chosen.numel(), dtype: ScalarType.Float32, device: p.device), 1.0)
                .div(topK * rows);
        }
        return p.mean([0]).mul(fraction).sum().mul(experts).MoveToOuterDisposeScope();
    }

    /// <summary>The summed loss over groups.</summary>
    /// <param name="routers">The routers' last logits.</param>
    /// <param name="scope">"layer" pools a layer's routers along tokens; "module" keeps each alone.</param>
    /// <param name="realTokens">The 2-D attention mask <c>[B, S]</c> (1 = real token) to count real tokens only, or null to count every row (pads too).</param>
    public static Tensor Compute(IReadOnlyList<Router> routers, string scope, Tensor? realTokens)
    {
        if (routers.Count == 0) throw new InvalidOperationException("no router logits: was the forward run in training mode?");
        using var disposeScope = NewDisposeScope();
        var keep = realTokens?.reshape(-1).to(ScalarType.Bool);
        Tensor total = torch.zeros(1, dtype: ScalarType.Float32, device: routers[0].Logits.device).squeeze();
        foreach (var group in routers.GroupBy(r => scope == "module" ? r.Module : r.Layer.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            var members = group.ToList();
            var experts = members.Select(r => r.Logits.shape[1]).Distinct().ToList();
            if (experts.Count > 1)
                throw new TtLoraException($"layer {members[0].Layer}: its routers have {string.Join(" and ", experts)} experts; a layer's modules share one expert count");
            var rows = members.Select(r => keep is null ? r.Logits : r.Logits.index(keep)).ToList();
            total = total.add(OfGroup(torch.cat(rows, 0), members[0].TopK));
        }
        return total.MoveToOuterDisposeScope();
    }
}

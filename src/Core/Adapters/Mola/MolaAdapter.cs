using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>
/// MoLA's mixture of LoRA experts on one frozen Linear. For each token's input u (a row of <c>[B·S, in]</c>):
/// <c>p = softmax(R u)</c> in float32, <c>(v, I) = top-k(p)</c>, <c>v ← v / Σv</c>, and
/// <c>Δ = Σ_{i∈I} v_i · (alpha / r) · B_i A_i dropout(u)</c>. The delta depends on the input, so it is never merged.
/// A is stored stacked <c>[E, r, in]</c> and B <c>[E, out, r]</c>; files keep the reference's one tensor per expert.
/// </summary>
/// <remarks>
/// <c>stacked</c> computes every expert in two matmuls, <c>H = u·A_catᵀ</c> <c>[N, E·r]</c>, weighted by the gates (zero off
/// the top k) and <c>Δ = (H ⊙ G)·B_cat</c>: the same function and gradients as computing the chosen experts only, at E/k
/// times their FLOPs. <c>grouped</c> gathers each expert's (token, slot) pairs and runs only those. Dropout draws one
/// mask per row shared by its experts (the reference draws one per expert; equal in expectation).
/// </remarks>
public sealed class MolaAdapter : LinearAdapter
{
    /// <summary>File names of the router's parameters under the module (the reference's <c>router.router.weight</c>).</summary>
    public const string RouterWeight = "router.router.weight", RouterBias = "router.router.bias", NoiseWeight = "router.noise.weight";

    private readonly Parameter lora_A, lora_B, router_weight;
    private readonly Parameter? router_bias, noise_weight;
    private readonly Dropout? dropout;
    private readonly bool grouped;

    public MolaAdapter(AdapterSite site, int experts, int topK, int rank, double alpha, double dropoutRate, bool routerBias, bool routerNoise,
        string expertCompute = "stacked", long? seed = null, ScalarType dtype = ScalarType.Float32, Device? device = null)
        : base(nameof(MolaAdapter), site.InFeatures, site.OutFeatures)
    {
        if (experts < 1 || topK < 1 || topK > experts) throw new TtLoraException($"{site.Path}: MoLA needs 1 <= top-k <= experts, got top-{topK} of {experts}");
        if (rank < 1) throw new TtLoraException($"{site.Path}: the LoRA rank must be at least 1, got {rank}");
        Site = site;
        Experts = experts;
        TopK = topK;
        Rank = rank;
        Scaling = alpha / rank;
        grouped = expertCompute == "grouped";
        using var generator = seed is null ? null : new Generator(unchecked((ulong)seed.Value));
        double bound = 1.0 / Math.Sqrt(site.InFeatures); // kaiming_uniform(a=sqrt(5)) on [*, in]
        lora_A = Uniform([experts, rank, site.InFeatures], bound, generator, dtype, device);
        lora_B = new Parameter(torch.zeros(experts, site.OutFeatures, rank, dtype: dtype, device: device));
        router_weight = Uniform([experts, site.InFeatures], bound, generator, dtype, device);
        if (routerBias) router_bias = Uniform([experts], bound, generator, dtype, device);
        if (routerNoise) noise_weight = Uniform([experts, site.InFeatures], bound, generator, dtype, device);
        if (dropoutRate > 0) dropout = nn.Dropout(dropoutRate);
        register_parameter(nameof(lora_A), lora_A);
        register_parameter(nameof(lora_B), lora_B);
        register_parameter(nameof(router_weight), router_weight);
        if (router_bias is not null) register_parameter(nameof(router_bias), router_bias);
        if (noise_weight is not null) register_parameter(nameof(noise_weight), noise_weight);
        if (dropout is not null) register_module(nameof(dropout), dropout);
    }

    /// <inheritdoc/>
    public override AdapterKind Kind => MolaKind.Instance;

    /// <summary>Where it sits (its layer and module name group the balance loss).</summary>
    public AdapterSite Site { get; }

    /// <summary>E: experts at this module.</summary>
    public int Experts { get; }

    /// <summary>k: experts each token is sent to.</summary>
    public int TopK { get; }

    /// <summary>r of every expert.</summary>
    public int Rank { get; }

    /// <summary>alpha / r.</summary>
    public double Scaling { get; }

    /// <summary>A, <c>[E, r, in]</c>.</summary>
    public Parameter A => lora_A;

    /// <summary>B, <c>[E, out, r]</c>.</summary>
    public Parameter B => lora_B;

    /// <summary>The router's weight <c>[E, in]</c>.</summary>
    public Parameter Router => router_weight;

    /// <summary>The router logits of the last training forward, <c>[N, E]</c> float32 with the graph (for the balance loss); null in eval.</summary>
    public Tensor? LastLogits { get; private set; }

    /// <summary>Drops the kept logits (the trainer calls it after each step).</summary>
    public void ClearLastLogits()
    {
        LastLogits?.Dispose();
        LastLogits = null;
    }

    /// <summary>The router logits for inputs <c>[N, in]</c>, float32 (noise added in training when configured).</summary>
    public Tensor Logits(Tensor x)
    {
        using var scope = NewDisposeScope();
        var logits = x.matmul(router_weight.t());
        if (router_bias is not null) logits = logits.add(router_bias);
        logits = logits.to(ScalarType.Float32);
        if (training && noise_weight is not null)
            logits = logits.add(nn.functional.softplus(x.matmul(noise_weight.t()).to(ScalarType.Float32)).mul(torch.randn_like(logits)));
        return logits.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Gates <c>[N, E]</c>: the top-k probabilities renormalised to sum to 1, zero elsewhere; the chosen experts
    /// <c>[N, k]</c> and their weights. Renormalised top-k probabilities equal the softmax over the top-k logits, which is
    /// how they are computed: the unchosen logits then get exactly zero gradient.
    /// </summary>
    public static (Tensor Gates, Tensor Chosen, Tensor Weights) Gate(Tensor logits, int topK)
    {
        using var scope = NewDisposeScope();
        var (top, indices) = logits.topk(topK, dim: -1);
        var weights = top.softmax(-1);
        var gates = torch.zeros_like(logits).scatter(1, indices, weights);
        return (gates.MoveToOuterDisposeScope(), indices.MoveToOuterDisposeScope(), weights.MoveToOuterDisposeScope());
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor u)
    {
        using var scope = NewDisposeScope();
        long[] shape = u.shape;
        var x = u.reshape(-1, InFeatures);
        var logits = Logits(x);
        if (training)
        {
            ClearLastLogits();
            LastLogits = logits.alias().DetachFromDisposeScope();
        }
        var (gates, chosen, weights) = Gate(logits, TopK);
        var input = dropout is null ? x : dropout.call(x);
        var delta = grouped ? Grouped(input, chosen, weights.to(x.dtype)) : Stacked(input, gates.to(x.dtype));
        return delta.reshape([.. shape[..^1], OutFeatures]).MoveToOuterDisposeScope();
    }

    // Two matmuls over all experts; zero gates make the unchosen experts contribute (and receive) nothing.
    Tensor Stacked(Tensor x, Tensor gates)
    {
        var h = x.matmul(lora_A.reshape(Experts * Rank, InFeatures).t());                         // [N, E·r]
        var weighted = h.mul(gates.repeat_interleave(Rank, dim: 1));
        var b = lora_B.transpose(1, 2).reshape(Experts * Rank, OutFeatures);                    // [E·r, out]
        return weighted.matmul(b).mul(Scaling);
    }

    // Only the chosen (token, slot) pairs, expert by expert, scattered back with index_add.
    Tensor Grouped(Tensor x, Tensor chosen, Tensor weights)
    {
        var delta = torch.zeros(x.shape[0], OutFeatures, dtype: x.dtype, device: x.device);
        for (int e = 0; e < Experts; e++)
        {
            var hits = chosen.eq(e).nonzero();                    // [M, 2]: row, slot
            if (hits.shape[0] == 0) continue;
            var rows = hits.select(1, 0);
            var w = weights.index([TensorIndex.Tensor(rows), TensorIndex.Tensor(hits.select(1, 1))]).unsqueeze(1);
            var y = x.index_select(0, rows).matmul(lora_A[e].t()).matmul(lora_B[e].t()).mul(w).mul(Scaling);
            delta = delta.index_add(0, rows, y, 1.0);
        }
        return delta;
    }

    /// <summary>The reference's file names: one tensor per expert, then the router.</summary>
    public override IReadOnlyList<(string Name, Tensor Value)> FileParameters()
    {
        var list = new List<(string, Tensor)>();
        for (int e = 0; e < Experts; e++) list.Add(($"lora_A_{e}.weight", lora_A[e]));
        for (int e = 0; e < Experts; e++) list.Add(($"lora_B_{e}.weight", lora_B[e]));
        list.Add((RouterWeight, router_weight));
        if (router_bias is not null) list.Add((RouterBias, router_bias));
        if (noise_weight is not null) list.Add((NoiseWeight, noise_weight));
        return list;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) ClearLastLogits();
        base.Dispose(disposing);
    }

    static Parameter Uniform(long[] shape, double bound, Generator? generator, ScalarType dtype, Device? device)
    {
        using var values = torch.rand(shape, generator: generator, dtype: ScalarType.Float32);
        using var scaled = values.mul(2 * bound).sub(bound);
        return new Parameter(scaled.to(dtype, device ?? CPU));
    }
}

using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>
/// LoRA as Hugging Face PEFT defines it: <c>delta_y = lora_B(lora_A(dropout(x))) * scaling</c> with
/// <c>scaling = alpha / r</c> (or <c>alpha / sqrt(r)</c> for rank-stabilised LoRA). <c>lora_A</c> and <c>lora_B</c>
/// are bias-free Linears, so their parameters are named <c>lora_A.weight</c> <c>[r, in]</c> and
/// <c>lora_B.weight</c> <c>[out, r]</c> exactly as PEFT names them.
/// </summary>
public sealed class LoraAdapter : LinearAdapter, ILowRankAdapter, IMergeableAdapter
{
    // Field names are the parameter-name prefixes PEFT uses.
    private readonly Linear lora_A;
    private readonly Linear lora_B;
    private readonly Dropout? lora_dropout;

    /// <param name="inFeatures">The adapted Linear's input features.</param>
    /// <param name="outFeatures">The adapted Linear's output features.</param>
    /// <param name="rank">r, at least 1.</param>
    /// <param name="alpha">lora_alpha.</param>
    /// <param name="dropout">Dropout on the adapter's input, applied only in training mode.</param>
    /// <param name="useRsLora">Scale by alpha / sqrt(r) instead of alpha / r.</param>
    /// <param name="zeroInitB">
    /// PEFT's default (<c>init_lora_weights=true</c>): A kaiming-uniform (a = sqrt(5)), B zero, so the delta starts at
    /// zero. When false, B is drawn like A, which gives a non-zero delta from the start.
    /// </param>
    /// <param name="seed">Seed for a private generator; null draws from torch's global generator.</param>
    public LoraAdapter(int inFeatures, int outFeatures, int rank, double alpha, double dropout = 0.0, bool useRsLora = false,
        bool zeroInitB = true, long? seed = null, ScalarType dtype = ScalarType.Float32, Device? device = null)
        : base(nameof(LoraAdapter), inFeatures, outFeatures)
    {
        if (rank < 1) throw new TtLoraException($"LoRA rank r must be at least 1, got {rank}");
        if (inFeatures < 1 || outFeatures < 1) throw new TtLoraException($"LoRA needs positive in/out features, got {inFeatures} -> {outFeatures}");
        if (dropout is < 0 or >= 1) throw new TtLoraException($"lora_dropout must be in [0, 1), got {dropout}");
        Rank = rank;
        Alpha = alpha;
        Dropout = dropout;
        UseRsLora = useRsLora;
        Scaling = ScalingFor(alpha, rank, useRsLora);
        lora_A = nn.Linear(inFeatures, rank, hasBias: false, device: device, dtype: dtype);
        lora_B = nn.Linear(rank, outFeatures, hasBias: false, device: device, dtype: dtype);
        if (dropout > 0) lora_dropout = nn.Dropout(dropout);
        Initialize(zeroInitB, seed);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override AdapterKind Kind => LoraKind.Instance;

    /// <summary>r.</summary>
    public int Rank { get; }

    /// <summary>lora_alpha.</summary>
    public double Alpha { get; }

    /// <summary>lora_dropout.</summary>
    public double Dropout { get; }

    /// <summary>Whether the scaling is alpha / sqrt(r).</summary>
    public bool UseRsLora { get; }

    /// <summary>The multiplier applied to <c>B A x</c>.</summary>
    public double Scaling { get; }

    /// <summary>PEFT's scaling: <c>alpha / r</c>, or <c>alpha / sqrt(r)</c> for rank-stabilised LoRA.</summary>
    public static double ScalingFor(double alpha, int rank, bool useRsLora) => useRsLora ? alpha / Math.Sqrt(rank) : alpha / rank;

    /// <summary><c>lora_A.weight</c>, shape <c>[r, in]</c>.</summary>
    public Parameter A => lora_A.weight!;

    /// <summary><c>lora_B.weight</c>, shape <c>[out, r]</c>.</summary>
    public Parameter B => lora_B.weight!;

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var input = lora_dropout is null ? x : lora_dropout.call(x);
        // Scaling the rank-r intermediate equals scaling the output, at r/out of the cost.
        return lora_B.call(lora_A.call(input).mul(Scaling)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public Tensor DenseDelta()
    {
        using var scope = NewDisposeScope();
        return B.matmul(A).mul(Scaling).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public (Tensor A, Tensor B) LowRankFactors()
    {
        using var scope = NewDisposeScope();
        var a = A.t();
        var b = B.t().mul(Scaling);
        return (a.MoveToOuterDisposeScope(), b.MoveToOuterDisposeScope());
    }

    private void Initialize(bool zeroInitB, long? seed)
    {
        using var noGrad = torch.no_grad();
        using var generator = seed is null ? null : new Generator(unchecked((ulong)seed.Value));
        KaimingUniformSqrt5(A, generator);
        if (zeroInitB) B.zero_();
        else KaimingUniformSqrt5(B, generator);
    }

    // kaiming_uniform_(w, a=sqrt(5)) has gain sqrt(2 / (1 + 5)) and bound gain * sqrt(3 / fan_in) = 1 / sqrt(fan_in).
    private static void KaimingUniformSqrt5(Tensor weight, Generator? generator)
    {
        double bound = 1.0 / Math.Sqrt(weight.shape[1]);
        using var values = torch.rand(weight.shape, generator: generator, dtype: ScalarType.Float32);
        using var scaled = values.mul(2 * bound).sub(bound);
        weight.copy_(scaled);
    }
}

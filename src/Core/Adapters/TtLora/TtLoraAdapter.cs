using TorchSharp.Modules;
using TtLora.Core.TensorTrains;
using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>
/// TT-LoRA: <c>delta_y = alpha * TT(x)</c>, the update a <see cref="TensorTrain"/>. Alpha is a plain multiplier
/// (the paper's default 16), not alpha / r. In files the cores are <c>tt_cores.0</c>, <c>tt_cores.1</c>, ...
/// </summary>
public sealed class TtLoraAdapter : LinearAdapter, ILowRankAdapter, IMergeableAdapter
{
    /// <summary>The paper's multiplier.</summary>
    public const double DefaultAlpha = 16.0;

    private readonly TensorTrain tensor_train;

    /// <summary>Creates freshly initialised cores.</summary>
    /// <param name="shape">Modes and ranks; its in/out features are the adapted Linear's.</param>
    /// <param name="alpha">Multiplier on the train's output.</param>
    /// <param name="initialization">Direct (reference default) or TT-SVD of a dense kaiming update.</param>
    /// <param name="path">Which of the three equivalent computations forward uses.</param>
    /// <param name="seed">Seed for a private generator; null draws from torch's global generator.</param>
    public TtLoraAdapter(TtShape shape, double alpha = DefaultAlpha, TtInitialization initialization = TtInitialization.Direct,
        TtForwardPath path = TtForwardPath.Factorized, long? seed = null, ScalarType dtype = ScalarType.Float32, Device? device = null)
        : this(new TensorTrain(shape, initialization, seed, dtype, device), alpha, path)
    {
    }

    private TtLoraAdapter(TensorTrain train, double alpha, TtForwardPath path)
        : base(nameof(TtLoraAdapter), train.Shape.InFeatures, train.Shape.OutFeatures)
    {
        tensor_train = train;
        tensor_train.Path = path;
        Alpha = alpha;
        RegisterComponents();
    }

    /// <summary>Wraps existing core values (copied), e.g. from a file.</summary>
    public static TtLoraAdapter FromCores(TtShape shape, IReadOnlyList<Tensor> cores, double alpha = DefaultAlpha,
        TtForwardPath path = TtForwardPath.Factorized, ScalarType? dtype = null, Device? device = null) =>
        new(TensorTrain.FromCores(shape, cores, dtype, device), alpha, path);

    /// <inheritdoc/>
    public override AdapterKind Kind => TtLoraKind.Instance;

    /// <summary>The multiplier on the train's output.</summary>
    public double Alpha { get; }

    /// <summary>Modes and ranks of the train.</summary>
    public TtShape Shape => tensor_train.Shape;

    /// <summary>The tensor train itself.</summary>
    public TensorTrain Train => tensor_train;

    /// <summary>Which computation forward uses; all three give the same function.</summary>
    public TtForwardPath Path
    {
        get => tensor_train.Path;
        set => tensor_train.Path = value;
    }

    /// <summary>The bridge rank between input and output cores: the update's matrix rank is at most this.</summary>
    public int Rank => Shape.BridgeRank;

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        if (Path == TtForwardPath.Factorized)
        {
            if (x.dim() < 1 || x.shape[^1] != InFeatures)
                throw new TtLoraException($"TT-LoRA input has {(x.dim() < 1 ? 0 : x.shape[^1])} features in the last dimension but the adapter expects {InFeatures}");
            // Alpha goes into the tiny B factor instead of the full-size output.
            var (a, b) = LowRankFactors();
            return x.matmul(a).matmul(b).MoveToOuterDisposeScope();
        }
        return tensor_train.call(x).mul(Alpha).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public Tensor DenseDelta()
    {
        using var scope = NewDisposeScope();
        return tensor_train.DenseUpdate().mul(Alpha).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public (Tensor A, Tensor B) LowRankFactors()
    {
        using var scope = NewDisposeScope();
        var (a, b) = tensor_train.Factors();
        var scaled = b.mul(Alpha);
        return (a.MoveToOuterDisposeScope(), scaled.MoveToOuterDisposeScope());
    }

    /// <summary>Files store the cores as <c>tt_cores.K</c> directly under the adapted module.</summary>
    public override IReadOnlyList<(string Name, Tensor Value)> FileParameters() =>
        tensor_train.Cores.Select((core, k) => (TtLoraConfig.CoreName(k), (Tensor)core)).ToArray();
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TtLora.Core.TensorTrains;

/// <summary>
/// A trainable tensor train representing a weight update <c>dW [out, in]</c>; <c>forward(x) = x @ dW^T</c>
/// for x <c>[..., in]</c> (no scaling: the adapter applies alpha). The cores are parameters named
/// <c>tt_cores.0</c>, <c>tt_cores.1</c>, ... in train order, shapes <c>[r_k, tt_shape[k], r_{k+1}]</c>.
/// </summary>
public sealed class TensorTrain : nn.Module<Tensor, Tensor>
{
    // The field name is the state-dict prefix: ParameterList registers its entries as "0", "1", ...
    private readonly ParameterList tt_cores;

    /// <summary>Creates freshly initialised cores.</summary>
    /// <param name="shape">Modes and ranks.</param>
    /// <param name="initialization">Direct (default) or TT-SVD of a dense kaiming matrix.</param>
    /// <param name="seed">Seed for a private generator; null draws from torch's global generator.</param>
    /// <param name="dtype">Parameter dtype (values are drawn in float64 and cast).</param>
    /// <param name="device">Parameter device (CPU when null).</param>
    public TensorTrain(TtShape shape, TtInitialization initialization = TtInitialization.Direct, long? seed = null,
        ScalarType dtype = ScalarType.Float32, Device? device = null)
        : this(shape, InitialCores(shape, initialization, seed), dtype, device, ownsValues: true)
    {
    }

    private TensorTrain(TtShape shape, Tensor[] values, ScalarType dtype, Device? device, bool ownsValues)
        : base(nameof(TensorTrain))
    {
        Shape = shape;
        TtOps.CheckCores(values, shape);
        var parameters = new Parameter[values.Length];
        using var scope = NewDisposeScope();
        for (int k = 0; k < values.Length; k++)
        {
            // A Parameter takes over its tensor's handle, so hand it a fresh tensor that no scope will dispose.
            var data = values[k].detach().to(dtype, device ?? CPU, copy: true).DetachFromDisposeScope();
            parameters[k] = new Parameter(data, requires_grad: true);
            if (ownsValues) values[k].Dispose();
        }
        tt_cores = new ParameterList(parameters);
        RegisterComponents();
    }

    /// <summary>
    /// Wraps existing core values (e.g. loaded from a checkpoint); the values are copied. Throws a
    /// <see cref="TtLoraException"/> when the count or a core's shape does not match <paramref name="shape"/>.
    /// </summary>
    public static TensorTrain FromCores(TtShape shape, IReadOnlyList<Tensor> cores, ScalarType? dtype = null, Device? device = null)
    {
        TtOps.CheckCores(cores, shape);
        return new TensorTrain(shape, [.. cores], dtype ?? cores[0].dtype, device ?? cores[0].device, ownsValues: false);
    }

    /// <summary>Modes and ranks of this train.</summary>
    public TtShape Shape { get; }

    /// <summary>Which computation <see cref="forward"/> uses; all give the same function.</summary>
    public TtForwardPath Path { get; set; } = TtForwardPath.Factorized;

    /// <summary>The core parameters in train order (current after <c>to(...)</c> moves).</summary>
    public IReadOnlyList<Parameter> Cores => tt_cores.ToArray();

    /// <summary><c>x [..., in] -> dW x [..., out]</c> by <see cref="Path"/>.</summary>
    public override Tensor forward(Tensor x) => Path switch
    {
        TtForwardPath.Factorized => ApplyFactorized(x),
        TtForwardPath.Contraction => Contract(x),
        TtForwardPath.Reconstruction => Reconstruct(x),
        _ => throw new TtLoraException($"unknown TT forward path {Path}"),
    };

    /// <summary>The reference contraction through every core (see <see cref="TtOps.Contract"/>).</summary>
    public Tensor Contract(Tensor x) => TtOps.Contract(x, Cores, Shape);

    /// <summary><c>x @ dW^T</c> with the full update built from the cores.</summary>
    public Tensor Reconstruct(Tensor x) => TtOps.Reconstruct(x, Cores, Shape);

    /// <summary><c>(x @ A) @ B</c> with the factors of <see cref="Factors"/>.</summary>
    public Tensor ApplyFactorized(Tensor x) => TtOps.ApplyFactorized(x, Cores, Shape);

    /// <summary>The full update <c>dW [out, in]</c>, e.g. for merging into a base weight.</summary>
    public Tensor DenseUpdate() => TtOps.FullUpdate(Cores, Shape);

    /// <summary>A <c>[in, r]</c> and B <c>[r, out]</c> with <c>dW = (A @ B)^T</c>; differentiable w.r.t. the cores.</summary>
    public (Tensor A, Tensor B) Factors() => TtOps.Factors(Cores, Shape);

    private static Tensor[] InitialCores(TtShape shape, TtInitialization initialization, long? seed)
    {
        using var generator = seed is null ? null : new Generator(unchecked((ulong)seed.Value));
        return initialization switch
        {
            TtInitialization.Direct => TtInitializers.Direct(shape, generator),
            TtInitialization.Decompose => TtInitializers.Decomposed(shape, generator),
            _ => throw new TtLoraException($"unknown TT initialisation {initialization}"),
        };
    }
}

using static TorchSharp.torch;

namespace TtLora.Core.TensorTrains;

/// <summary>
/// Initial core values for a <see cref="TensorTrain"/>, drawn in float64 on the CPU so that a seed gives the
/// same cores for every dtype and device.
/// </summary>
public static class TtInitializers
{
    /// <summary>The negative slope the reference passes to kaiming-uniform for TT cores and dense updates.</summary>
    public static readonly double KaimingA = Math.Sqrt(8);

    /// <summary>
    /// PyTorch's <c>kaiming_uniform_(a, mode='fan_in', nonlinearity='leaky_relu')</c>: uniform in [-bound, bound]
    /// with <c>bound = sqrt(2 / (1 + a^2)) * sqrt(3 / fan_in)</c>, <c>fan_in = shape[1] * prod(shape[2:])</c>.
    /// </summary>
    public static Tensor KaimingUniform(long[] shape, double a, Generator? generator = null)
    {
        double bound = KaimingBound(shape, a);
        using var scope = NewDisposeScope();
        var unit = rand(shape, ScalarType.Float64, generator: generator);
        return (unit * (2 * bound) - bound).MoveToOuterDisposeScope();
    }

    /// <summary>The bound of <see cref="KaimingUniform"/> for a tensor of the given shape.</summary>
    public static double KaimingBound(long[] shape, double a)
    {
        if (shape.Length < 2)
        {
            throw new ArgumentException("kaiming initialisation needs a tensor with at least 2 dimensions", nameof(shape));
        }
        long fanIn = shape.Skip(1).Aggregate(1L, (x, y) => x * y);
        double gain = Math.Sqrt(2.0 / (1 + a * a));
        return gain * Math.Sqrt(3.0 / fanIn);
    }

    /// <summary>
    /// "direct": each core kaiming-uniform (a = sqrt(8)), then divided by its own Frobenius norm so that every
    /// core has norm 1 whatever its size.
    /// </summary>
    public static Tensor[] Direct(TtShape shape, Generator? generator = null)
    {
        var cores = new Tensor[shape.CoreCount];
        for (int k = 0; k < shape.CoreCount; k++)
        {
            using var scope = NewDisposeScope();
            var core = KaimingUniform(shape.CoreShape(k), KaimingA, generator);
            cores[k] = (core / core.norm()).MoveToOuterDisposeScope();
        }
        return cores;
    }

    /// <summary>
    /// "decompose": a dense <c>[out, in]</c> update kaiming-uniform (a = sqrt(8), fan_in = in), then TT-SVD into
    /// the shape's ranks.
    /// </summary>
    public static Tensor[] Decomposed(TtShape shape, Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        var dense = KaimingUniform([shape.OutFeatures, shape.InFeatures], KaimingA, generator);
        var cores = TtSvd.Decompose(dense, shape);
        foreach (var core in cores)
        {
            core.MoveToOuterDisposeScope();
        }
        return cores;
    }
}

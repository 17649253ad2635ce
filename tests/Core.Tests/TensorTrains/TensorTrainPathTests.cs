using TtLora.Core.TensorTrains;
using static TtLora.Core.Tests.TensorTrains.TtTestTensors;

namespace TtLora.Core.Tests.TensorTrains;

/// <summary>
/// The three forward paths must be the same function, forward and backward, and that function must follow
/// the documented index convention.
/// </summary>
public class TensorTrainPathTests
{
    private const double Float64Tolerance = 1e-10;

    // float32 accumulates rounding over up to 2048-term sums and 8 chained cores; 1e-4 of the largest
    // magnitude leaves a wide margin over the ~1e-6 observed while still catching any index mix-up (O(1)).
    private const double Float32Tolerance = 1e-4;

    public static TheoryData<string, int[], int[], int[], long[]> Shapes => new()
    {
        // name, input_factors, output_factors, ranks ([r] = uniform), x shape without the feature axis
        { "paper q (LLaMA-3.2-1B)", [16, 8, 4, 4], [16, 8, 4, 4], [5], [3] },
        { "paper v (LLaMA-3.2-1B)", [16, 16, 4, 2], [16, 16, 2], [5], [2, 2] },
        { "reduced width", [4, 2, 2], [2, 4], [3], [5] },
        { "odd factors", [3, 5], [7], [4], [6] },
        { "single factor each side", [6], [5], [4], [4] },
        { "single input factor", [7], [2, 3], [2], [3] },
        { "per-bond ranks", [4, 3, 2], [3, 5], [1, 2, 5, 3, 4, 1], [4] },
        { "extra leading dims", [2, 3], [4, 2], [3], [2, 3, 4] },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void AllPathsAgreeForwardAndBackwardInFloat64(string name, int[] input, int[] output, int[] ranks, long[] lead)
    {
        using var scope = torch.NewDisposeScope();
        var shape = MakeShape(input, output, ranks);
        using var train = TensorTrain.FromCores(shape, RandomCores(shape, 11));
        var x = RandomInput([.. lead, shape.InFeatures], 12);
        var upstream = RandomInput([.. lead, shape.OutFeatures], 13);

        var reference = Run(train, TtForwardPath.Contraction, x, upstream);
        foreach (var path in new[] { TtForwardPath.Reconstruction, TtForwardPath.Factorized })
        {
            var result = Run(train, path, x, upstream);
            AssertClose(reference.Output, result.Output, Float64Tolerance, $"{name}: {path} forward");
            AssertClose(reference.InputGrad, result.InputGrad, Float64Tolerance, $"{name}: {path} d/dx");
            for (int k = 0; k < shape.CoreCount; k++)
            {
                AssertClose(reference.CoreGrads[k], result.CoreGrads[k], Float64Tolerance, $"{name}: {path} d/d tt_cores.{k}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void AllPathsAgreeInFloat32WithTheFloat64Reference(string name, int[] input, int[] output, int[] ranks, long[] lead)
    {
        using var scope = torch.NewDisposeScope();
        var shape = MakeShape(input, output, ranks);
        var cores = RandomCores(shape, 21);
        using var exact = TensorTrain.FromCores(shape, cores);
        using var single = TensorTrain.FromCores(shape, cores, ScalarType.Float32);
        var x = RandomInput([.. lead, shape.InFeatures], 22);
        var upstream = RandomInput([.. lead, shape.OutFeatures], 23);

        var reference = Run(exact, TtForwardPath.Contraction, x, upstream);
        foreach (var path in Enum.GetValues<TtForwardPath>())
        {
            var result = Run(single, path, x.to(ScalarType.Float32), upstream.to(ScalarType.Float32));
            Assert.Equal(ScalarType.Float32, result.Output.dtype);
            AssertClose(reference.Output, result.Output, Float32Tolerance, $"{name}: float32 {path} forward");
            for (int k = 0; k < shape.CoreCount; k++)
            {
                AssertClose(reference.CoreGrads[k], result.CoreGrads[k], Float32Tolerance, $"{name}: float32 {path} d/d tt_cores.{k}");
            }
        }
    }

    [Fact]
    public void DenseUpdateFollowsTheIndexConventionDigitByDigit()
    {
        using var scope = torch.NewDisposeScope();
        // input_factors [2,3]: i = i0 + 2*i1; output_factors [4,5]: o = o0 + 4*o1; tt_shape [2,3,5,4].
        var shape = new TtShape([2, 3], [4, 5], [1, 2, 3, 2, 1]);
        var cores = RandomCores(shape, 31);
        using var train = TensorTrain.FromCores(shape, cores);
        var g = cores.Select(c => c.data<double>().ToArray()).ToArray();
        double Core(int k, int left, int mode, int right) =>
            g[k][(left * shape.Modes[k] + mode) * shape.Ranks[k + 1] + right];

        var dense = train.DenseUpdate();
        Assert.Equal(new long[] { 20, 6 }, dense.shape);
        var actual = dense.data<double>().ToArray();
        for (int o1 = 0; o1 < 5; o1++)
        for (int o0 = 0; o0 < 4; o0++)
        for (int i1 = 0; i1 < 3; i1++)
        for (int i0 = 0; i0 < 2; i0++)
        {
            // tt order (i0, i1, o1, o0): the last output core carries output_factors[0].
            double expected = 0;
            for (int a = 0; a < 2; a++)
            for (int b = 0; b < 3; b++)
            for (int c = 0; c < 2; c++)
            {
                expected += Core(0, 0, i0, a) * Core(1, a, i1, b) * Core(2, b, o1, c) * Core(3, c, o0, 0);
            }
            int o = o0 + 4 * o1, i = i0 + 2 * i1;
            Assert.True(Math.Abs(expected - actual[o * 6 + i]) <= 1e-12,
                $"dW[{o},{i}] = {actual[o * 6 + i]} but the digit formula gives {expected}");
        }

        // The contraction (written from the convention, not from the dense matrix) sees the same matrix:
        // feeding the unit vector e_i returns column i.
        var identity = torch.eye(6, dtype: ScalarType.Float64);
        AssertClose(dense.t(), train.Contract(identity), 1e-12, "contraction of unit vectors");
    }

    [Fact]
    public void FactorsMultiplyToTheDenseUpdateAndExposeTheBridgeRank()
    {
        using var scope = torch.NewDisposeScope();
        var shape = new TtShape([4, 3, 2], [3, 5], [1, 2, 5, 3, 4, 1]);
        using var train = TensorTrain.FromCores(shape, RandomCores(shape, 41));
        var (a, b) = train.Factors();
        Assert.Equal(new long[] { 24, 3 }, a.shape);
        Assert.Equal(new long[] { 3, 15 }, b.shape);
        AssertClose(train.DenseUpdate(), a.matmul(b).t(), 1e-12, "(A @ B)^T vs dense");
    }

    [Fact]
    public void ForwardUsesTheSelectedPathAndDefaultsToFactorized()
    {
        using var scope = torch.NewDisposeScope();
        var shape = new TtShape([3, 5], [7], 3);
        using var train = TensorTrain.FromCores(shape, RandomCores(shape, 51));
        Assert.Equal(TtForwardPath.Factorized, train.Path);
        var x = RandomInput([2, 15], 52);
        var expected = train.Contract(x);
        foreach (var path in Enum.GetValues<TtForwardPath>())
        {
            train.Path = path;
            AssertClose(expected, train.call(x), 1e-12, $"call() via {path}");
        }
    }

    [Fact]
    public void WrongInputWidthIsRejectedWithTheExpectedFeatureCount()
    {
        using var scope = torch.NewDisposeScope();
        var shape = new TtShape([3, 5], [7], 3, name: "v_proj");
        using var train = TensorTrain.FromCores(shape, RandomCores(shape, 61));
        var x = torch.zeros(2, 16, dtype: ScalarType.Float64);
        foreach (var path in Enum.GetValues<TtForwardPath>())
        {
            train.Path = path;
            var error = Assert.Throws<TtLoraException>(() => train.call(x));
            Assert.Equal("v_proj: input has shape [2,16] but the tensor train expects 15 features in the last dimension", error.Message);
        }
    }

    private static TtShape MakeShape(int[] input, int[] output, int[] ranks) =>
        ranks.Length == 1 ? new TtShape(input, output, ranks[0]) : new TtShape(input, output, ranks);

    private sealed record PathResult(Tensor Output, Tensor InputGrad, Tensor[] CoreGrads);

    // Runs one path and back-propagates sum(y * upstream), returning y and every gradient (detached copies).
    private static PathResult Run(TensorTrain train, TtForwardPath path, Tensor x, Tensor upstream)
    {
        train.zero_grad();
        var input = x.detach().clone().requires_grad_(true);
        train.Path = path;
        var y = train.call(input);
        (y * upstream).sum().backward();
        var coreGrads = train.Cores.Select(c => c.grad!.detach().clone()).ToArray();
        return new PathResult(y.detach(), input.grad!.detach().clone(), coreGrads);
    }
}

using TtLora.Core.TensorTrains;
using static TtLora.Core.Tests.TensorTrains.TtTestTensors;

namespace TtLora.Core.Tests.TensorTrains;

/// <summary>Initialisation, TT-SVD, parameter naming and construction checks.</summary>
public class TensorTrainInitTests
{
    [Fact]
    public void CoresAreParametersNamedTtCoresKInTrainOrder()
    {
        var shape = new TtShape([16, 8, 4, 4], [16, 8, 4, 4], 5);
        using var train = new TensorTrain(shape, seed: 1);
        var named = train.named_parameters().ToArray();
        Assert.Equal(Enumerable.Range(0, 8).Select(k => $"tt_cores.{k}"), named.Select(p => p.name));
        Assert.Equal(shape.CoreShapes, named.Select(p => p.parameter.shape));
        Assert.All(named, p => Assert.True(p.parameter.requires_grad));
        Assert.All(named, p => Assert.Equal(ScalarType.Float32, p.parameter.dtype));
        Assert.Equal(960, named.Sum(p => p.parameter.numel()));
        Assert.Equal(named.Select(p => p.name), train.state_dict().Keys);
    }

    [Fact]
    public void NestedInAParentTheKeysEndWithTtCoresK()
    {
        using var parent = new Holder(new TensorTrain(new TtShape([3, 5], [7], 2), seed: 2));
        Assert.Equal(["q_proj.tt_cores.0", "q_proj.tt_cores.1", "q_proj.tt_cores.2"],
            parent.named_parameters().Select(p => p.name));
    }

    [Fact]
    public void MovingToFloat64KeepsCoresReachableAndTheFunctionUnchanged()
    {
        using var scope = torch.NewDisposeScope();
        var shape = new TtShape([4, 2], [2, 3], 3);
        using var train = new TensorTrain(shape, seed: 3);
        var x = RandomInput([2, 8], 4);
        var before = train.call(x.to(ScalarType.Float32));
        train.to(ScalarType.Float64);
        Assert.All(train.Cores, c => Assert.Equal(ScalarType.Float64, c.dtype));
        Assert.Equal(ScalarType.Float64, train.named_parameters().First().parameter.dtype);
        AssertClose(before, train.call(x), 1e-6, "float32 vs float64 after to()");
    }

    [Fact]
    public void DirectInitGivesUnitNormCoresDeterministicallyPerSeed()
    {
        var shape = new TtShape([16, 16, 4, 2], [16, 16, 2], 5);
        using var a = new TensorTrain(shape, seed: 7, dtype: ScalarType.Float64);
        using var b = new TensorTrain(shape, seed: 7, dtype: ScalarType.Float64);
        using var c = new TensorTrain(shape, seed: 8, dtype: ScalarType.Float64);
        for (int k = 0; k < shape.CoreCount; k++)
        {
            Assert.Equal(1.0, a.Cores[k].norm().item<double>(), 12);
            Assert.True(MaxDifference(a.Cores[k], b.Cores[k]) == 0, $"same seed differs at core {k}");
            Assert.True(MaxDifference(a.Cores[k], c.Cores[k]) > 0.01, $"different seeds agree at core {k}");
        }
        // The update is non-zero from the start (no zero core, unlike LoRA's B).
        Assert.True(a.DenseUpdate().abs().max().item<double>() > 0);

        // The same seed gives the same values in float32 (drawn in float64, then cast).
        using var single = new TensorTrain(shape, seed: 7);
        AssertClose(a.Cores[3], single.Cores[3], 1e-7, "float32 vs float64 draw");
    }

    [Fact]
    public void KaimingUniformUsesPyTorchFanInForThreeDimensionalCores()
    {
        // fan_in = size(1) * prod(size(2:)) = 8 * 5; gain = sqrt(2 / (1 + 8)); bound = gain * sqrt(3 / fan_in).
        double expected = Math.Sqrt(2.0 / 9.0) * Math.Sqrt(3.0 / 40.0);
        Assert.Equal(expected, TtInitializers.KaimingBound([5, 8, 5], TtInitializers.KaimingA), 15);
        Assert.Equal(Math.Sqrt(2.0 / 9.0) * Math.Sqrt(3.0 / 2048.0), TtInitializers.KaimingBound([512, 2048], Math.Sqrt(8)), 15);

        using var generator = new torch.Generator(5);
        using var sample = TtInitializers.KaimingUniform([200, 8, 5], TtInitializers.KaimingA, generator);
        Assert.True(sample.abs().max().item<double>() <= expected);
        Assert.True(sample.max().item<double>() > 0.99 * expected);
        Assert.True(sample.min().item<double>() < -0.99 * expected);
        Assert.True(Math.Abs(sample.mean().item<double>()) < 0.02 * expected);
    }

    [Fact]
    public void TtSvdReconstructsAnExactLowTtRankMatrix()
    {
        using var scope = torch.NewDisposeScope();
        var shape = new TtShape([4, 3, 2], [3, 5], [1, 2, 4, 3, 3, 1]);
        var dense = TtOps.FullUpdate(RandomCores(shape, 71), shape);
        var cores = TtSvd.Decompose(dense, shape);
        Assert.Equal(shape.CoreShapes, cores.Select(c => c.shape));
        AssertClose(dense, TtOps.FullUpdate(cores, shape), 1e-8, "TT-SVD round trip");

        // The paper's v shape at full width.
        var paper = new TtShape([16, 16, 4, 2], [16, 16, 2], 5);
        var paperDense = TtOps.FullUpdate(RandomCores(paper, 72), paper);
        AssertClose(paperDense, TtOps.FullUpdate(TtSvd.Decompose(paperDense, paper), paper), 1e-8, "TT-SVD paper v");
    }

    [Fact]
    public void TtSvdPadsBondsThatCannotCarryTheRequestedRank()
    {
        using var scope = torch.NewDisposeScope();
        // Bond 1 can carry at most 2 (mode 2 on its left); rank 6 is requested there.
        var shape = new TtShape([2, 3], [4], 6);
        Assert.Contains(shape.Warnings, w => w.Contains("bond 1 has rank 6 but at most 2 is useful"));
        var dense = RandomInput([4, 6], 81);
        var cores = TtSvd.Decompose(dense, shape);
        Assert.Equal(shape.CoreShapes, cores.Select(c => c.shape));
        AssertClose(dense, TtOps.FullUpdate(cores, shape), 1e-10, "padded TT-SVD is exact");
    }

    [Fact]
    public void DecomposeInitIsTheTtSvdOfTheSeededKaimingMatrix()
    {
        using var scope = torch.NewDisposeScope();
        // Full bond ranks (bond 1: 2, bond 2: min(6, 4) = 4): the TT-SVD is exact, so the update is the dense draw.
        var shape = new TtShape([2, 3], [4], [1, 2, 4, 1]);
        using var train = new TensorTrain(shape, TtInitialization.Decompose, seed: 9, dtype: ScalarType.Float64);
        using var generator = new torch.Generator(9);
        var drawn = TtInitializers.KaimingUniform([4, 6], TtInitializers.KaimingA, generator);
        AssertClose(drawn, train.DenseUpdate(), 1e-12, "decompose init vs kaiming draw");

        // With truncating ranks the cores keep their declared shapes and the update is the rank-limited approximation.
        var truncated = new TtShape([16, 8, 4, 4], [16, 8, 4, 4], 5);
        using var small = new TensorTrain(truncated, TtInitialization.Decompose, seed: 9);
        Assert.Equal(truncated.CoreShapes, small.Cores.Select(c => c.shape));
        Assert.True(small.DenseUpdate().abs().max().item<float>() > 0);
    }

    [Fact]
    public void FromCoresRejectsWrongCoreCountsAndShapesByName()
    {
        using var scope = torch.NewDisposeScope();
        var shape = new TtShape([3, 5], [7], 2, name: "q_proj");
        var cores = RandomCores(shape, 91);
        var missing = Assert.Throws<TtLoraException>(() => TensorTrain.FromCores(shape, cores[..2]));
        Assert.Equal("q_proj: got 2 TT cores but tt_shape [3,5,7] needs 3", missing.Message);

        cores[1] = torch.zeros(2, 4, 2, dtype: ScalarType.Float64);
        var wrong = Assert.Throws<TtLoraException>(() => TensorTrain.FromCores(shape, cores));
        Assert.Equal("q_proj: tt_cores.1 has shape [2,4,2] but the TT shape needs [2,5,2]", wrong.Message);

        var dense = Assert.Throws<TtLoraException>(() => TtSvd.Decompose(torch.zeros(15, 7), shape));
        Assert.Equal("q_proj: dense update has shape [15,7] but the TT shape needs [7,15] (out x in)", dense.Message);
    }

    [Fact]
    public void FromCoresCopiesTheValues()
    {
        using var scope = torch.NewDisposeScope();
        var shape = new TtShape([3, 5], [7], 2);
        var cores = RandomCores(shape, 92);
        using var train = TensorTrain.FromCores(shape, cores);
        cores[0].zero_();
        Assert.True(train.Cores[0].abs().sum().item<double>() > 0);
    }

    private static double MaxDifference(Tensor a, Tensor b)
    {
        using var scope = torch.NewDisposeScope();
        return (a - b).abs().max().item<double>();
    }

    private sealed class Holder : torch.nn.Module
    {
        private readonly TensorTrain q_proj;

        public Holder(TensorTrain train) : base(nameof(Holder))
        {
            q_proj = train;
            RegisterComponents();
        }

        public TensorTrain Train => q_proj;
    }
}

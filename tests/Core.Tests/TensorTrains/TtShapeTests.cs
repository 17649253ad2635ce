using TtLora.Core.TensorTrains;

namespace TtLora.Core.Tests.TensorTrains;

public class TtShapeTests
{
    [Fact]
    public void TtShapeIsInputFactorsThenReversedOutputFactorsWithUniformRanks()
    {
        var v = new TtShape([16, 16, 4, 2], [16, 16, 2], 5);
        Assert.Equal([16, 16, 4, 2, 2, 16, 16], v.Modes);
        Assert.Equal([1, 5, 5, 5, 5, 5, 5, 1], v.Ranks);
        Assert.Equal(2048, v.InFeatures);
        Assert.Equal(512, v.OutFeatures);
        Assert.Equal(7, v.CoreCount);
        Assert.Equal(4, v.InputCoreCount);
        Assert.Equal(5, v.BridgeRank);
        Assert.Equal(new long[] { 1, 16, 5 }, v.CoreShapes[0]);
        Assert.Equal(new long[] { 5, 2, 5 }, v.CoreShapes[4]);
        Assert.Equal(new long[] { 5, 16, 1 }, v.CoreShapes[6]);
        Assert.Empty(v.Warnings);
    }

    [Fact]
    public void ParameterCountsMatchThePaperForLlama32_1B()
    {
        var q = new TtShape([16, 8, 4, 4], [16, 8, 4, 4], 5);
        var v = new TtShape([16, 16, 4, 2], [16, 16, 2], 5);
        Assert.Equal(960, q.ParameterCount);
        Assert.Equal(1160, v.ParameterCount);
        var model = Enumerable.Range(0, 16).SelectMany(_ => new[] { q, v });
        Assert.Equal(33920, TtShape.TotalParameterCount(model));
    }

    [Fact]
    public void ExplicitPerBondRanksAreKeptAndCounted()
    {
        var shape = new TtShape([4, 3, 2], [3, 5], [1, 2, 5, 3, 4, 1]);
        Assert.Equal([1, 2, 5, 3, 4, 1], shape.Ranks);
        Assert.Equal(3, shape.BridgeRank);
        // 1*4*2 + 2*3*5 + 5*2*3 + 3*5*4 + 4*3*1
        Assert.Equal(8 + 30 + 30 + 60 + 12, shape.ParameterCount);
    }

    [Fact]
    public void EqualityIsByValue()
    {
        Assert.Equal(new TtShape([3, 5], [7], 2), new TtShape([3, 5], [7], [1, 2, 2, 1]));
        Assert.NotEqual(new TtShape([3, 5], [7], 2), new TtShape([5, 3], [7], 2));
        Assert.Equal("input_factors [3,5], output_factors [7], tt_shape [3,5,7], ranks [1,2,2,1]", new TtShape([3, 5], [7], 2).ToString());
    }

    [Fact]
    public void ValidateForNamesTheModuleAndTheMismatchingField()
    {
        var q = new TtShape([16, 8, 4, 4], [16, 8, 4, 4], 5);
        q.ValidateFor("q_proj", 2048, 2048);
        var input = Assert.Throws<TtLoraException>(() => q.ValidateFor("q_proj", 1024, 2048));
        Assert.Equal("input_factors [16,8,4,4] multiply to 2048 but q_proj has in_features 1024", input.Message);
        var output = Assert.Throws<TtLoraException>(() => q.ValidateFor("layers.3.self_attn.v_proj", 2048, 512));
        Assert.Equal("output_factors [16,8,4,4] multiply to 2048 but layers.3.self_attn.v_proj has out_features 512", output.Message);
    }

    [Fact]
    public void AStoredTtShapeMustMatchTheFactors()
    {
        var v = new TtShape([16, 16, 4, 2], [16, 16, 2], 5);
        v.ValidateModes([16, 16, 4, 2, 2, 16, 16]);
        var error = Assert.Throws<TtLoraException>(() => v.ValidateModes([16, 16, 4, 2, 16, 16, 2], "adapter_config.json tt_shape"));
        Assert.Equal("adapter_config.json tt_shape [16,16,4,2,16,16,2] does not equal input_factors ++ reverse(output_factors) = " +
                     "[16,16,4,2,2,16,16]", error.Message);
    }

    [Fact]
    public void FactorsBelowTwoAreRejectedWithTheReason()
    {
        var one = Assert.Throws<TtLoraException>(() => new TtShape([16, 1, 4], [8], 5, name: "q_proj"));
        Assert.Equal("q_proj: input_factors [16,1,4] contains 1; every factor must be at least 2 " +
                     "(a mode of size 1 only adds an r x r matrix that the neighbouring cores already absorb)", one.Message);
        var zero = Assert.Throws<TtLoraException>(() => new TtShape([16], [0, 4], 5));
        Assert.Equal("output_factors [0,4] contains 0; every factor must be at least 2", zero.Message);
        var empty = Assert.Throws<TtLoraException>(() => new TtShape([], [4], 5));
        Assert.Equal("input_factors is empty; give at least one factor", empty.Message);
    }

    [Fact]
    public void BadRanksAreRejectedByField()
    {
        var rank = Assert.Throws<TtLoraException>(() => new TtShape([4, 4], [4], 0, name: "v_proj"));
        Assert.Equal("v_proj: rank must be at least 1 but is 0", rank.Message);
        var length = Assert.Throws<TtLoraException>(() => new TtShape([4, 4], [4], [1, 5, 1]));
        Assert.Equal("ranks [1,5,1] has 3 entries but tt_shape [4,4,4] has 3 modes and needs 4", length.Message);
        var ends = Assert.Throws<TtLoraException>(() => new TtShape([4, 4], [4], [2, 5, 5, 1]));
        Assert.Equal("ranks [2,5,5,1] must start and end with 1", ends.Message);
        var inner = Assert.Throws<TtLoraException>(() => new TtShape([4, 4], [4], [1, 0, 5, 1]));
        Assert.Equal("ranks [1,0,5,1] contains 0; every rank must be at least 1", inner.Message);
    }

    [Fact]
    public void OversizedBondRanksAreReportedNotFatal()
    {
        // Bond 1 sits after a mode of 2 (carries at most 2), the last bond before a mode of 3.
        var shape = new TtShape([2, 8], [3], 4, name: "o_proj");
        Assert.Equal(
        [
            "o_proj: bond 1 has rank 4 but at most 2 is useful (modes left of it carry 2 values, right of it 24); the extra rank is redundant",
            "o_proj: bond 2 has rank 4 but at most 3 is useful (modes left of it carry 16 values, right of it 3); the extra rank is redundant",
        ], shape.Warnings);
        Assert.Equal(8 + 4 * 8 * 4 + 12, shape.ParameterCount);
    }

    [Fact]
    public void OverflowingFactorProductsAreRejected()
    {
        var error = Assert.Throws<TtLoraException>(() => new TtShape([65536, 65536], [2], 1));
        Assert.Equal("input_factors [65536,65536] multiply to more than 2147483647", error.Message);
    }
}

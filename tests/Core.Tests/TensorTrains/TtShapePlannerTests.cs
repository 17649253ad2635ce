using TtLora.Core.TensorTrains;

namespace TtLora.Core.Tests.TensorTrains;

public class TtShapePlannerTests
{
    [Fact]
    public void DefaultPlanReproducesLlama32_1B()
    {
        var q = TtShapePlanner.Plan(2048, 2048, 5, name: "q_proj");
        Assert.Equal([16, 8, 4, 4], q.InputFactors);
        Assert.Equal([16, 8, 4, 4], q.OutputFactors);
        Assert.Equal([16, 8, 4, 4, 4, 4, 8, 16], q.Modes);
        Assert.Equal([1, 5, 5, 5, 5, 5, 5, 5, 1], q.Ranks);
        Assert.Equal("q_proj", q.Name);

        var v = TtShapePlanner.Plan(2048, 512, 5);
        Assert.Equal([16, 16, 4, 2], v.InputFactors);
        Assert.Equal([16, 16, 2], v.OutputFactors);
        Assert.Equal([16, 16, 4, 2, 2, 16, 16], v.Modes);

        Assert.Equal(q, TtShapePlanner.Plan(2048, 2048, 5, TtPlanPreset.Llama32_1B));
        Assert.Equal(v, TtShapePlanner.Plan(2048, 512, 5, TtPlanPreset.Llama32_1B));
        Assert.Equal(33920, 16 * (q.ParameterCount + v.ParameterCount));
    }

    public static TheoryData<string, int, int, int[]> PublishedShapes => new()
    {
        { "LLaMA-3.2-1B", 2048, 2048, [16, 8, 4, 4, 4, 4, 8, 16] },
        { "LLaMA-3.2-1B", 2048, 512, [16, 16, 4, 2, 2, 16, 16] },
        { "LLaMA-3.2-3B", 3072, 3072, [16, 4, 4, 3, 2, 2, 2, 2, 3, 4, 4, 16] },
        { "LLaMA-3.1-8B", 4096, 4096, [16, 4, 4, 4, 2, 2, 2, 2, 4, 4, 4, 16] },
        { "LLaMA-3.1-8B", 4096, 1024, [16, 4, 4, 4, 2, 2, 2, 2, 4, 4, 16] },
        { "RoBERTa-base", 768, 768, [64, 4, 3, 3, 4, 64] },
    };

    [Theory]
    [MemberData(nameof(PublishedShapes))]
    public void PresetsReproduceEveryPublishedTtShape(string model, int inFeatures, int outFeatures, int[] ttShape)
    {
        var preset = TtPlanPreset.All.Single(p => p.Model == model);
        var shape = TtShapePlanner.Plan(inFeatures, outFeatures, 5, preset);
        Assert.Equal(ttShape, shape.Modes);
        shape.ValidateFor("layer", inFeatures, outFeatures);
    }

    [Fact]
    public void PublishedShapesSplitIntoTheseFactors()
    {
        var q3b = TtShapePlanner.Plan(3072, 3072, 5, TtPlanPreset.Llama32_3B);
        Assert.Equal([16, 4, 4, 3, 2, 2], q3b.InputFactors);
        Assert.Equal([16, 4, 4, 3, 2, 2], q3b.OutputFactors);

        var q8b = TtShapePlanner.Plan(4096, 4096, 5, TtPlanPreset.Llama31_8B);
        Assert.Equal([16, 4, 4, 4, 2, 2], q8b.InputFactors);
        Assert.Equal([16, 4, 4, 4, 2, 2], q8b.OutputFactors);

        var v8b = TtShapePlanner.Plan(4096, 1024, 5, TtPlanPreset.Llama31_8B);
        Assert.Equal([16, 4, 4, 4, 2, 2], v8b.InputFactors);
        Assert.Equal([16, 4, 4, 2, 2], v8b.OutputFactors);

        var roberta = TtShapePlanner.Plan(768, 768, 5, TtPlanPreset.RobertaBase);
        Assert.Equal([64, 4, 3], roberta.InputFactors);
        Assert.Equal([64, 4, 3], roberta.OutputFactors);

        // Not published, but the same rule keeps LLaMA-3.2-3B's v_proj (3072 -> 1024) consistent with its q_proj.
        var v3b = TtShapePlanner.Plan(3072, 1024, 5, TtPlanPreset.Llama32_3B);
        Assert.Equal([16, 4, 4, 3, 2, 2], v3b.InputFactors);
        Assert.Equal([16, 4, 4, 2, 2], v3b.OutputFactors);
    }

    [Fact]
    public void OutputLargerThanInputIsPlannedSymmetrically()
    {
        var up = TtShapePlanner.Plan(512, 2048, 5);
        Assert.Equal([16, 16, 2], up.InputFactors);
        Assert.Equal([16, 16, 4, 2], up.OutputFactors);
    }

    [Fact]
    public void SidesThatAreNotMultiplesAreFactorisedSeparately()
    {
        var shape = TtShapePlanner.Plan(3072, 2048, 3, modes: 4);
        Assert.Equal([16, 12, 4, 4], shape.InputFactors);
        Assert.Equal([16, 8, 4, 4], shape.OutputFactors);
    }

    [Fact]
    public void FactorizeFollowsTheGreedyThenBalancedSplitRule()
    {
        Assert.Equal([16, 16, 12], TtShapePlanner.GreedyFactors(3072));
        Assert.Equal([64, 12], TtShapePlanner.GreedyFactors(768, 64));
        Assert.Equal([17, 2], TtShapePlanner.GreedyFactors(34));
        Assert.Equal([16, 16, 8], TtShapePlanner.Factorize(2048, 3));
        Assert.Equal([16, 8, 4, 4], TtShapePlanner.Factorize(2048, 4));
        Assert.Equal([16, 4, 4, 4, 2], TtShapePlanner.Factorize(2048, 5));
        Assert.Equal([4, 3], TtShapePlanner.Factorize(12, 2));
        // The leading factor is split only when no other factor can be.
        Assert.Equal([4, 4, 3], TtShapePlanner.Factorize(48, 3));
        Assert.Equal([7], TtShapePlanner.Factorize(7, 1));
    }

    [Fact]
    public void ImpossibleModeCountsAreRejectedWithTheLimits()
    {
        var few = Assert.Throws<TtLoraException>(() => TtShapePlanner.Plan(4096, 4096, 5, modes: 2, name: "q_proj"));
        Assert.Equal("q_proj in_features = 4096 cannot be split into 2 mode(s) with factors of at most 16; " +
                     "it needs at least 3 (greedy factors [16,16,16])", few.Message);
        var many = Assert.Throws<TtLoraException>(() => TtShapePlanner.Factorize(12, 4));
        Assert.Equal("n = 12 has 3 prime factor(s), so it splits into at most 3 mode(s), not 4", many.Message);
        var zero = Assert.Throws<TtLoraException>(() => TtShapePlanner.Plan(64, 64, 5, modes: 0, name: "v_proj"));
        Assert.Equal("v_proj: modes must be at least 1 but is 0", zero.Message);
    }

    [Fact]
    public void DegenerateSizesAndRanksAreRejected()
    {
        var size = Assert.Throws<TtLoraException>(() => TtShapePlanner.Plan(2048, 1, 5, name: "score"));
        Assert.Equal("score out_features is 1; a tensor train needs a size of at least 2 to factorise", size.Message);
        var rank = Assert.Throws<TtLoraException>(() => TtShapePlanner.Plan(64, 64, 0, name: "q_proj"));
        Assert.Equal("q_proj: rank must be at least 1 but is 0", rank.Message);
        var cap = Assert.Throws<TtLoraException>(() => TtShapePlanner.Plan(64, 64, 4, maxFactor: 1));
        Assert.Equal("max factor must be at least 2 but is 1", cap.Message);
    }
}

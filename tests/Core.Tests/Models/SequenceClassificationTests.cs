using TtLora.Core.Models;

namespace TtLora.Core.Tests.Models;

public class SequenceClassificationTests
{
    static LlamaForSequenceClassification Classifier(int? pad = 0)
    {
        var model = new LlamaForSequenceClassification(TestModels.Tiny(scaling: TestModels.Llama3Scaling, pad: pad), numLabels: 3);
        LlamaInitializer.Initialize(model, seed: 11, std: 0.2);
        model.eval();
        return model;
    }

    [Fact]
    public void LeftAndRightPaddingGiveTheSameLogitsAsNoPadding()
    {
        using var model = Classifier();
        long[][] rows = [[5, 6, 7, 8, 9, 10], [11, 12, 13], [14, 15, 16, 17]];
        using var right = TestModels.Ids(new long[,] { { 5, 6, 7, 8, 9, 10 }, { 11, 12, 13, 0, 0, 0 }, { 14, 15, 16, 17, 0, 0 } });
        using var rightMask = TestModels.Ids(new long[,] { { 1, 1, 1, 1, 1, 1 }, { 1, 1, 1, 0, 0, 0 }, { 1, 1, 1, 1, 0, 0 } });
        using var left = TestModels.Ids(new long[,] { { 5, 6, 7, 8, 9, 10 }, { 0, 0, 0, 11, 12, 13 }, { 0, 0, 14, 15, 16, 17 } });
        using var leftMask = TestModels.Ids(new long[,] { { 1, 1, 1, 1, 1, 1 }, { 0, 0, 0, 1, 1, 1 }, { 0, 0, 1, 1, 1, 1 } });
        using var byRight = model.Forward(right, rightMask);
        using var byLeft = model.Forward(left, leftMask);
        Assert.Equal(new long[] { 3, 3 }, byRight.shape);
        Assert.True(byLeft.allclose(byRight, rtol: 0, atol: 1e-5));
        for (int i = 0; i < rows.Length; i++)
        {
            using var alone = model.Forward(torch.tensor(rows[i], dtype: ScalarType.Int64).unsqueeze(0));
            Assert.True(alone[0].allclose(byRight[i], rtol: 0, atol: 1e-5), $"row {i}");
        }
    }

    [Fact]
    public void PoolsTheRightmostNonPadToken()
    {
        using var hidden = torch.arange(2 * 4 * 3, dtype: ScalarType.Float32).reshape(2, 4, 3);
        using var ids = TestModels.Ids(new long[,] { { 7, 8, 0, 0 }, { 0, 9, 9, 9 } });
        using var pooled = LlamaForSequenceClassification.Pool(hidden, ids, null, padTokenId: 0);
        Assert.True(TestModels.Same(pooled[0], hidden[0, 1]));
        Assert.True(TestModels.Same(pooled[1], hidden[1, 3]));
    }

    [Fact]
    public void WithoutPadIdTheMaskDecidesAndWithoutBothTheLastPosition()
    {
        using var hidden = torch.arange(2 * 4 * 3, dtype: ScalarType.Float32).reshape(2, 4, 3);
        using var ids = TestModels.Ids(new long[,] { { 7, 8, 5, 5 }, { 5, 9, 9, 9 } });
        using var mask = TestModels.Ids(new long[,] { { 1, 1, 1, 0 }, { 1, 1, 1, 1 } });
        using var byMask = LlamaForSequenceClassification.Pool(hidden, ids, mask, padTokenId: null);
        Assert.True(TestModels.Same(byMask[0], hidden[0, 2]));
        using var byLast = LlamaForSequenceClassification.Pool(hidden, ids, null, padTokenId: null);
        Assert.True(TestModels.Same(byLast[0], hidden[0, 3]));
    }
}

using TtLora.Core.Models;

namespace TtLora.Core.Tests.Models;

public class LlamaForwardTests
{
    [Fact]
    public void LogitsHaveVocabularyWidthAndAreFinite()
    {
        using var model = TestModels.CausalLM(TestModels.Tiny(scaling: TestModels.Llama3Scaling));
        using var ids = TestModels.RandomIds(3, 11, 97, seed: 1);
        using var logits = model.Forward(ids);
        Assert.Equal(new long[] { 3, 11, 97 }, logits.shape);
        Assert.True(logits.isfinite().all().item<bool>());
    }

    [Fact]
    public void EarlierPositionsIgnoreLaterTokens()
    {
        using var model = TestModels.CausalLM(TestModels.Tiny());
        using var a = TestModels.RandomIds(1, 9, 97, seed: 2);
        using var b = a.clone();
        b[0, 8] = torch.tensor(5L);
        b[0, 7] = torch.tensor(6L);
        using var la = model.Forward(a);
        using var lb = model.Forward(b);
        Assert.True(la.narrow(1, 0, 7).allclose(lb.narrow(1, 0, 7), rtol: 0, atol: 1e-6));
        Assert.False(la.narrow(1, 7, 2).allclose(lb.narrow(1, 7, 2), rtol: 0, atol: 1e-3));
    }

    [Fact]
    public void IncrementalDecodingWithCacheMatchesFullForward()
    {
        using var model = TestModels.CausalLM(TestModels.Tiny(scaling: TestModels.Llama3Scaling));
        using var ids = TestModels.RandomIds(2, 12, 97, seed: 3);
        using var full = model.Forward(ids);
        using var cache = new KvCache(2);
        using var first = model.Forward(ids.narrow(1, 0, 7), cache: cache);
        Assert.True(first.allclose(full.narrow(1, 0, 7), rtol: 0, atol: 1e-5));
        for (int t = 7; t < 12; t++)
        {
            using var step = model.Forward(ids.narrow(1, t, 1), cache: cache);
            Assert.True(step.allclose(full.narrow(1, t, 1), rtol: 0, atol: 1e-5), $"position {t}");
        }
    }

    [Fact]
    public void GreedyGenerationWithCacheEqualsArgmaxOfFullForwardEachStep()
    {
        using var model = TestModels.CausalLM(TestModels.Tiny(scaling: TestModels.Llama3Scaling), seed: 4);
        long[] prompt = [1, 17, 33, 58, 4];
        var generated = model.GenerateGreedy(prompt, 20, stopIds: []);
        // Independent computation: no cache, the whole sequence recomputed at every step.
        var sequence = prompt.ToList();
        var expected = new List<long>();
        using (torch.no_grad())
        {
            for (int i = 0; i < 20; i++)
            {
                using var ids = torch.tensor(sequence.ToArray(), dtype: ScalarType.Int64).unsqueeze(0);
                using var logits = model.Forward(ids);
                long next = logits[0, -1].argmax().item<long>();
                expected.Add(next);
                sequence.Add(next);
            }
        }
        Assert.Equal(expected, generated);
    }

    [Fact]
    public void GenerationStopsAtEndOfSequenceToken()
    {
        using var model = TestModels.CausalLM(TestModels.Tiny(), seed: 5);
        long[] prompt = [1, 9, 10];
        var free = model.GenerateGreedy(prompt, 8, stopIds: []);
        // The first token that did not occur before it: generation must end right after it.
        int k = Enumerable.Range(1, free.Count - 1).First(i => !free.Take(i).Contains(free[i]));
        var stopped = model.GenerateGreedy(prompt, 8, stopIds: [free[k]]);
        Assert.Equal(free.Take(k + 1), stopped);
    }

    [Fact]
    public void LeftPaddingWithMaskGivesTheUnpaddedLogits()
    {
        using var model = TestModels.CausalLM(TestModels.Tiny(scaling: TestModels.Llama3Scaling));
        using var ids = TestModels.Ids(new long[,] { { 5, 6, 7, 8, 9 } });
        using var padded = TestModels.Ids(new long[,] { { 0, 0, 0, 5, 6, 7, 8, 9 } });
        using var mask = TestModels.Ids(new long[,] { { 0, 0, 0, 1, 1, 1, 1, 1 } });
        using var plain = model.Forward(ids);
        using var withPad = model.Forward(padded, mask);
        Assert.True(withPad.narrow(1, 3, 5).allclose(plain, rtol: 0, atol: 1e-5));
    }

    [Fact]
    public void Bfloat16StaysCloseToFloat32()
    {
        using var model = TestModels.CausalLM(TestModels.Tiny(), seed: 6);
        using var ids = TestModels.RandomIds(2, 10, 97, seed: 7);
        using var reference = model.Forward(ids);
        model.to(ScalarType.BFloat16);
        using var low = model.Forward(ids);
        Assert.Equal(ScalarType.BFloat16, low.dtype);
        using var diff = (low.to(ScalarType.Float32) - reference).abs().max();
        using var scale = reference.abs().max();
        // bf16 keeps 8 mantissa bits: a relative error of a few percent of the logit range is expected, not more.
        Assert.True(diff.item<float>() < 0.05f * scale.item<float>(), $"max |bf16 - fp32| = {diff.item<float>()} vs scale {scale.item<float>()}");
    }

    [Fact]
    public void Llama3ScalingKeepsHighFrequenciesAndSlowsLowOnes()
    {
        var plain = new RotaryEmbedding(TestModels.Tiny()).InverseFrequencies;
        var scaled = new RotaryEmbedding(TestModels.Tiny(scaling: TestModels.Llama3Scaling)).InverseFrequencies;
        double old = 64;
        for (int i = 0; i < plain.Count; i++)
        {
            double wavelen = 2 * Math.PI / plain[i];
            if (wavelen < old / 4) Assert.Equal(plain[i], scaled[i]);
            else if (wavelen > old / 1) Assert.Equal(plain[i] / 32, scaled[i], 1e-6 * plain[i]);
            else Assert.InRange(scaled[i], plain[i] / 32 * (1 - 1e-6), plain[i] * (1 + 1e-6));
        }
        Assert.Contains(plain.Select((f, i) => 2 * Math.PI / f), w => w > old);
        Assert.Contains(plain.Select((f, i) => 2 * Math.PI / f), w => w < old / 4);
    }
}

using TtLora.Core.Models;
using TtLora.Core.Tests.Reference;

namespace TtLora.Core.Tests.Models;

/// <summary>
/// The TorchSharp model against the independent float64 numpy implementation of transformers' Llama
/// (tests/reference). Weights have std 0.2 so that any semantic slip moves the logits far beyond float32 noise;
/// the tolerance is 1e-4 of the logit range (float32 accumulates ~1e-6 relative error per op here).
/// </summary>
public class HuggingFaceAgreementTests
{
    const double RelativeTolerance = 1e-4;

    public static TheoryData<string> Architectures => ["gqa-tied-llama3", "mha-untied-plain", "linear-scaling-headdim-bias"];

    static LlamaConfig Config(string name) => name switch
    {
        // Llama-3.2 style: grouped kv heads, tied embeddings, llama3 rope scaling whose bands the 40 positions cross.
        "gqa-tied-llama3" => TestModels.Tiny(tied: true, kvHeads: 2, scaling: new RopeScaling("llama3", 8, 1, 4, 16)),
        "mha-untied-plain" => TestModels.Tiny(tied: false, kvHeads: 4),
        // head_dim given explicitly and different from hidden/heads, attention biases, linear position interpolation.
        "linear-scaling-headdim-bias" => TestModels.Tiny(tied: false, kvHeads: 1, scaling: new RopeScaling("linear", 2.5)) with { HeadDim = 12, AttentionBias = true, RopeTheta = 500000 },
        _ => throw new ArgumentException(name),
    };

    static (string Dir, LlamaForCausalLM Model) Saved(TempFolder tmp, LlamaConfig config, long seed)
    {
        var model = TestModels.CausalLM(config, seed);
        LlamaCheckpoint.Save(model, tmp.Path);
        return (tmp.Path, model);
    }

    static long[][] Rows(Tensor ids) => Enumerable.Range(0, (int)ids.shape[0]).Select(i => ids[i].data<long>().ToArray()).ToArray();

    static void AssertClose(float[] expected, Tensor actual, string what)
    {
        var got = actual.to(ScalarType.Float32).contiguous().data<float>().ToArray();
        double scale = expected.Max(Math.Abs);
        double diff = ReferenceAssert.MaxAbsDiff(expected, got);
        Assert.True(diff <= RelativeTolerance * scale, $"{what}: max |ours - reference| = {diff:g3}, logit scale {scale:g3}");
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void CausalLogitsMatchTheReference(string architecture)
    {
        using var tmp = new TempFolder();
        var (dir, model) = Saved(tmp, Config(architecture), seed: 31);
        using (model)
        {
            using var ids = TestModels.RandomIds(2, 40, 97, seed: 32);
            var expected = HfLlamaReference.CausalLogits(dir, Rows(ids), null, out var shape);
            Assert.Equal(new long[] { 2, 40, 97 }, shape);
            using var ours = model.Forward(ids);
            AssertClose(expected, ours, architecture);
        }
    }

    [Fact]
    public void RightPaddedBatchMatchesTheReferenceOnRealTokens()
    {
        using var tmp = new TempFolder();
        var (dir, model) = Saved(tmp, Config("gqa-tied-llama3"), seed: 33);
        using (model)
        {
            long[][] ids = [[5, 6, 7, 8, 9, 10, 11], [12, 13, 14, 0, 0, 0, 0]];
            long[][] mask = [[1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0, 0]];
            var expected = HfLlamaReference.CausalLogits(dir, ids, mask, out var shape);
            using var ours = model.Forward(torch.tensor(ids.SelectMany(r => r).ToArray(), [2, 7]), torch.tensor(mask.SelectMany(r => r).ToArray(), [2, 7]));
            AssertClose(ReferenceAssert.Span(expected, shape, 0, 0, 7), ours[0], "row 0");
            AssertClose(ReferenceAssert.Span(expected, shape, 1, 0, 3), ours[1].narrow(0, 0, 3), "row 1 real tokens");
        }
    }

    [Fact]
    public void ClassificationLogitsMatchTheReference()
    {
        using var tmp = new TempFolder();
        var config = Config("gqa-tied-llama3");
        using (var classifier = new LlamaForSequenceClassification(config, numLabels: 3))
        {
            LlamaInitializer.Initialize(classifier, seed: 34, std: 0.2);
            LlamaCheckpoint.Save(classifier, tmp.Path);
        }
        using var loaded = LlamaCheckpoint.LoadClassifier(tmp.Path);
        loaded.eval();
        long[][] ids = [[5, 6, 7, 8, 9, 10], [12, 13, 14, 0, 0, 0], [15, 16, 17, 18, 0, 0]];
        long[][] mask = [[1, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 0, 0]];
        var expected = HfLlamaReference.ClassificationLogits(tmp.Path, ids, mask, out var shape);
        Assert.Equal(new long[] { 3, 3 }, shape);
        using var ours = loaded.Forward(torch.tensor(ids.SelectMany(r => r).ToArray(), [3, 6]), torch.tensor(mask.SelectMany(r => r).ToArray(), [3, 6]));
        AssertClose(expected, ours, "classification");
    }

    [Fact]
    public void GreedyIdsMatchTheReference()
    {
        using var tmp = new TempFolder();
        var (dir, model) = Saved(tmp, Config("gqa-tied-llama3"), seed: 35);
        using (model)
        {
            long[] prompt = [1, 40, 41, 42, 43];
            var expected = HfLlamaReference.GreedyGenerate(dir, prompt, 24);
            var ours = model.GenerateGreedy(prompt, 24, stopIds: []);
            Assert.Equal(expected, ours);
        }
    }

    [Fact]
    public void Bfloat16CheckpointLoadedAsFloat32MatchesTheReference()
    {
        using var tmp = new TempFolder();
        using (var model = TestModels.CausalLM(Config("mha-untied-plain"), seed: 36))
        {
            model.to(ScalarType.BFloat16);
            LlamaCheckpoint.Save(model, tmp.Path);
        }
        using var loaded = LlamaCheckpoint.LoadCausalLM(tmp.Path, dtype: ScalarType.Float32);
        loaded.eval();
        using var ids = TestModels.RandomIds(1, 16, 97, seed: 37);
        var expected = HfLlamaReference.CausalLogits(tmp.Path, Rows(ids), null, out _);
        using var ours = loaded.Forward(ids);
        AssertClose(expected, ours, "bf16 weights");
    }
}

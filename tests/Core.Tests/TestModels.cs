using TtLora.Core.Models;

namespace TtLora.Core.Tests;

/// <summary>Tiny configurations and temp folders shared by tests.</summary>
internal static class TestModels
{
    public static LlamaConfig Tiny(bool tied = true, int kvHeads = 2, RopeScaling? scaling = null, int? pad = 0) => new()
    {
        VocabSize = 97, HiddenSize = 32, IntermediateSize = 80, NumHiddenLayers = 2, NumAttentionHeads = 4,
        NumKeyValueHeads = kvHeads, HeadDim = 8, RmsNormEps = 1e-5, RopeTheta = 10000, MaxPositionEmbeddings = 512,
        RopeScaling = scaling, TieWordEmbeddings = tied, BosTokenId = 1, EosTokenIds = [2], PadTokenId = pad,
    };

    /// <summary>Llama-3.2's rope scaling block, with an original context short enough that tests cross all three bands.</summary>
    public static RopeScaling Llama3Scaling => new("llama3", 32, 1, 4, 64);

    public static LlamaForCausalLM CausalLM(LlamaConfig config, long seed = 0)
    {
        var model = new LlamaForCausalLM(config);
        LlamaInitializer.Initialize(model, seed, std: 0.2);
        model.eval();
        return model;
    }

    /// <summary>Same shape, dtype and every element bit-for-bit equal (TorchSharp's Tensor.equal is element-wise).</summary>
    public static bool Same(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && a.eq(b).all().item<bool>();

    public static Tensor Ids(long[,] ids) => torch.tensor(ids, dtype: ScalarType.Int64);

    public static Tensor RandomIds(long batch, long seq, int vocab, long seed, int low = 3) =>
        torch.randint(low, vocab, [batch, seq], generator: new torch.Generator((ulong)seed), dtype: ScalarType.Int64);
}

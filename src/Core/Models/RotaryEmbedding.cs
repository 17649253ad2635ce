using static TorchSharp.torch;

namespace TtLora.Core.Models;

/// <summary>
/// Rotary position embeddings with Hugging Face's conventions: frequencies computed in float32 exactly as
/// transformers does (so angles agree bit for bit), the "rotate half" layout (first half / second half of
/// each head, not interleaved pairs), and the llama3 / linear rope_scaling variants.
/// </summary>
public sealed class RotaryEmbedding
{
    private readonly float[] invFreq;

    public RotaryEmbedding(LlamaConfig config)
    {
        invFreq = ComputeInverseFrequencies(config);
    }

    public IReadOnlyList<float> InverseFrequencies => invFreq;

    /// <summary>cos and sin of shape [B, S, head_dim] for integer positions [B, S], in the given dtype.</summary>
    public (Tensor Cos, Tensor Sin) CosSin(Tensor positionIds, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var freq = torch.tensor(invFreq, device: positionIds.device);
        // [B,S,1] * [D/2] in float32, as transformers computes it.
        var angles = positionIds.to(ScalarType.Float32).unsqueeze(-1) * freq;
        var emb = torch.cat([angles, angles], -1);
        var cos = emb.cos().to(dtype);
        var sin = emb.sin().to(dtype);
        return (cos.MoveToOuterDisposeScope(), sin.MoveToOuterDisposeScope());
    }

    /// <summary>Applies the rotation to x [B, H, S, D] with cos/sin [B, S, D].</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        var c = cos.unsqueeze(1);
        var s = sin.unsqueeze(1);
        long half = x.shape[^1] / 2;
        var x1 = x.narrow(-1, 0, half);
        var x2 = x.narrow(-1, half, half);
        var rotated = torch.cat([-x2, x1], -1);
        return (x * c + rotated * s).MoveToOuterDisposeScope();
    }

    static float[] ComputeInverseFrequencies(LlamaConfig config)
    {
        using var scope = NewDisposeScope();
        int dim = config.HeadDim;
        var exponents = torch.arange(0, dim, 2, dtype: ScalarType.Int64).to(ScalarType.Float32) / dim;
        var inv = 1.0f / torch.pow(torch.tensor((float)config.RopeTheta), exponents);
        var scaling = config.RopeScaling;
        if (scaling is { RopeType: "linear" })
        {
            inv = inv / (float)scaling.Factor;
        }
        else if (scaling is { RopeType: "llama3" })
        {
            double oldLen = scaling.OriginalMaxPositionEmbeddings;
            double lowWavelen = oldLen / scaling.LowFreqFactor;
            double highWavelen = oldLen / scaling.HighFreqFactor;
            var wavelen = 2 * Math.PI / inv;
            // Long wavelengths (low frequencies) are slowed by the factor, short ones kept, the band between blended.
            var scaled = torch.where(wavelen > lowWavelen, inv / scaling.Factor, inv);
            var smooth = (oldLen / wavelen - scaling.LowFreqFactor) / (scaling.HighFreqFactor - scaling.LowFreqFactor);
            var blended = (1 - smooth) * scaled / scaling.Factor + smooth * scaled;
            var medium = (wavelen >= highWavelen).logical_and(wavelen <= lowWavelen);
            inv = torch.where(medium, blended, scaled);
        }
        return inv.to(ScalarType.Float32).data<float>().ToArray();
    }
}

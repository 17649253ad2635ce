using static TorchSharp.torch;

namespace TtLora.Core.Routing;

/// <summary>Top-k gating: every logit outside a row's k largest becomes -inf, then softmax (k = 1 gives a one-hot gate).</summary>
public static class TopKGate
{
    public static Tensor Gates(Tensor logits, int k)
    {
        if (k < 1 || k > logits.shape[^1]) throw new TtLoraException($"top-k: k must be in 1..{logits.shape[^1]}, got {k}");
        using var scope = NewDisposeScope();
        var (values, indices) = logits.topk(k, dim: -1);
        var masked = torch.full_like(logits, double.NegativeInfinity).scatter(-1, indices, values);
        return masked.softmax(-1).MoveToOuterDisposeScope();
    }
}

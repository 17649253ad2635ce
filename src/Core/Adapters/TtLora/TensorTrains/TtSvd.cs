using static TorchSharp.torch;

namespace TtLora.Core.TensorTrains;

/// <summary>
/// TT-SVD: decomposes a dense update <c>dW [out, in]</c> into cores of a <see cref="TtShape"/> by a left-to-right
/// sweep of truncated SVDs, in the same index convention as <see cref="TtOps"/> (so
/// <c>TtOps.FullUpdate(Decompose(dW))</c> equals dW whenever dW has TT-ranks within the shape's ranks).
/// </summary>
public static class TtSvd
{
    /// <summary>
    /// Decomposes <paramref name="dense"/> (<c>[out, in]</c>) into cores with at most the shape's bond ranks.
    /// A bond whose available rank is smaller than requested is padded with zero slices so that every core has
    /// exactly its declared shape. The cores have the dense matrix's dtype and device and no autograd history.
    /// </summary>
    public static Tensor[] Decompose(Tensor dense, TtShape shape)
    {
        if (dense.dim() != 2 || dense.shape[0] != shape.OutFeatures || dense.shape[1] != shape.InFeatures)
        {
            throw new TtLoraException(
                $"{(shape.Name is null ? "" : shape.Name + ": ")}dense update has shape [{string.Join(",", dense.shape)}] " +
                $"but the TT shape needs [{shape.OutFeatures},{shape.InFeatures}] (out x in)");
        }

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        int outputCount = shape.OutputFactors.Count;
        int inputCount = shape.InputCoreCount;

        // dW[o, i] viewed with its digits slowest-first: (o_{K-1}, ..., o_0, i_{M-1}, ..., i_0). The tt order is
        // (i_0, ..., i_{M-1}, o_{K-1}, ..., o_0): input axes reversed and moved in front of the output axes.
        long[] digits = [.. shape.OutputFactors.Reverse().Select(f => (long)f), .. shape.InputFactors.Reverse().Select(f => (long)f)];
        long[] toTrainOrder =
        [
            .. Enumerable.Range(0, inputCount).Select(k => (long)(outputCount + inputCount - 1 - k)),
            .. Enumerable.Range(0, outputCount).Select(j => (long)j),
        ];
        var rest = dense.detach().reshape(digits).permute(toTrainOrder).contiguous();

        var cores = new Tensor[shape.CoreCount];
        long leftRank = 1;
        for (int k = 0; k < shape.CoreCount - 1; k++)
        {
            long mode = shape.Modes[k];
            long rank = shape.Ranks[k + 1];
            var unfolding = rest.reshape(leftRank * mode, -1);
            var (u, s, vh) = linalg.svd(unfolding, fullMatrices: false);
            long keep = Math.Min(rank, s.shape[0]);
            var left = u[.., ..(int)keep];
            var right = s[..(int)keep].unsqueeze(1) * vh[..(int)keep, ..];
            if (keep < rank)
            {
                left = cat([left, zeros(left.shape[0], rank - keep, dtype: left.dtype, device: left.device)], 1);
                right = cat([right, zeros(rank - keep, right.shape[1], dtype: right.dtype, device: right.device)], 0);
            }
            cores[k] = left.reshape(leftRank, mode, rank);
            rest = right;
            leftRank = rank;
        }
        cores[^1] = rest.reshape(leftRank, shape.Modes[^1], 1);

        foreach (var core in cores)
        {
            core.MoveToOuterDisposeScope();
        }
        return cores;
    }
}

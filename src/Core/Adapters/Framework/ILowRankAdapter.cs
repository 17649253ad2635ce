using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>
/// A linear delta of matrix rank at most <see cref="Rank"/>, available as two factors so that many experts can
/// be applied in one batched matmul.
/// </summary>
public interface ILowRankAdapter
{
    /// <summary>The inner dimension r of the factors.</summary>
    int Rank { get; }

    /// <summary>
    /// A <c>[in, r]</c> and B <c>[r, out]</c>, scaling included, with <c>delta_y = x @ A @ B</c>; both keep the
    /// autograd graph to the adapter's parameters.
    /// </summary>
    (Tensor A, Tensor B) LowRankFactors();
}

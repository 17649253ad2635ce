namespace TtLora.Core.TensorTrains;

/// <summary>
/// Three ways to apply a tensor train to an input. They compute the same function <c>x -> dW x</c>; they
/// differ only in cost.
/// </summary>
public enum TtForwardPath
{
    /// <summary>
    /// Contract the input cores into A [in, r] and the output cores into B [r, out] (tiny, independent of x),
    /// then compute <c>(x @ A) @ B</c>: LoRA-like cost. The default.
    /// </summary>
    Factorized,

    /// <summary>The reference semantics: x passes through every core in turn; no matrix is formed.</summary>
    Contraction,

    /// <summary>Build the full out x in update from the cores and compute <c>x @ dW^T</c>.</summary>
    Reconstruction,
}

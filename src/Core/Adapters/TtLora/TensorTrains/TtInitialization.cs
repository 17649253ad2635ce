namespace TtLora.Core.TensorTrains;

/// <summary>How the cores of a new <see cref="TensorTrain"/> are initialised.</summary>
public enum TtInitialization
{
    /// <summary>
    /// The reference's "direct_init": every core kaiming-uniform (a = sqrt(8)) and then divided by its own
    /// Frobenius norm. No core is zero, so the update is already non-zero at step 0.
    /// </summary>
    Direct,

    /// <summary>
    /// The reference's "init_and_decompose": a dense out x in update is kaiming-uniform initialised
    /// (a = sqrt(8)) and then TT-SVD decomposed into cores with the shape's ranks.
    /// </summary>
    Decompose,
}

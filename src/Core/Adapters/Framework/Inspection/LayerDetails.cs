namespace TtLora.Core.Adapters;

/// <summary>
/// What one layer's adapter at one module does: the singular values of its effective update (scaling included, at most
/// rank-many) and, for TT-LoRA, its cores.
/// </summary>
public sealed record LayerDetails(int Layer, IReadOnlyList<double> UpdateSingularValues, IReadOnlyList<CoreDetails> Cores)
{
    /// <summary>The Frobenius norm of the effective update, from its singular values.</summary>
    public double UpdateNorm => Math.Sqrt(UpdateSingularValues.Sum(s => s * s));
}

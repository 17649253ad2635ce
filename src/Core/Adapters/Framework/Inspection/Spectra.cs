using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>Singular values, computed in float64 on the CPU, largest first.</summary>
public static class Spectra
{
    /// <summary>The singular values of a matrix.</summary>
    public static double[] Of(Tensor matrix)
    {
        using var scope = NewDisposeScope();
        return linalg.svdvals(matrix.detach().to(ScalarType.Float64, CPU)).data<double>().ToArray();
    }

    /// <summary>
    /// The singular values of <c>scale * (a @ b)</c> for a <c>[in, r]</c> and b <c>[r, out]</c>, without forming the
    /// in x out product: with <c>a = Qa Ra</c> and <c>b^T = Qb Rb</c> (reduced QR), <c>a @ b = Qa (Ra Rb^T) Qb^T</c>, and
    /// orthonormal Qa, Qb leave the singular values of the small <c>Ra Rb^T</c> unchanged. So there are at most r of them.
    /// </summary>
    public static double[] OfLowRank(Tensor a, Tensor b, double scale)
    {
        using var scope = NewDisposeScope();
        var (_, ra) = linalg.qr(a.detach().to(ScalarType.Float64, CPU));
        var (_, rb) = linalg.qr(b.detach().to(ScalarType.Float64, CPU).t());
        return linalg.svdvals(ra.matmul(rb.t()).mul(Math.Abs(scale))).data<double>().ToArray();
    }
}

using TtLora.Core.TensorTrains;

namespace TtLora.Core.Tests.TensorTrains;

/// <summary>Random cores/inputs and tolerance checks shared by the tensor-train tests.</summary>
internal static class TtTestTensors
{
    /// <summary>
    /// Gaussian cores scaled by 1/sqrt(r_k) (left rank) so that every entry of the update has variance one for
    /// any number of cores, which keeps the tolerances below meaningful.
    /// </summary>
    public static Tensor[] RandomCores(TtShape shape, ulong seed)
    {
        using var generator = new torch.Generator(seed);
        return shape.CoreShapes
            .Select(s => torch.randn(s, ScalarType.Float64, generator: generator) / Math.Sqrt(s[0]))
            .ToArray();
    }

    public static Tensor RandomInput(long[] shape, ulong seed)
    {
        using var generator = new torch.Generator(seed);
        return torch.randn(shape, ScalarType.Float64, generator: generator);
    }

    /// <summary>max |actual - expected| must be at most tolerance * max(1, max |expected|).</summary>
    public static void AssertClose(Tensor expected, Tensor actual, double tolerance, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var scope = torch.NewDisposeScope();
        var e = expected.to(ScalarType.Float64);
        var a = actual.to(ScalarType.Float64);
        double scale = Math.Max(1.0, e.abs().max().item<double>());
        double error = (a - e).abs().max().item<double>();
        Assert.True(error <= tolerance * scale,
            $"{what}: max abs error {error:E3} exceeds {tolerance:E1} x scale {scale:G4}");
    }
}

namespace TtLora.Core.Tests;

public class TorchRuntimeTests
{
    [Fact]
    public void NativeTorchLoadsAndComputes()
    {
        using var a = torch.arange(6, dtype: ScalarType.Float32).reshape(2, 3);
        using var b = torch.ones(3, 2);
        using var c = a.matmul(b);
        Assert.Equal(new long[] { 2, 2 }, c.shape);
        Assert.Equal(3f, c[0, 0].item<float>());
        Assert.Equal(12f, c[1, 1].item<float>());
    }
}

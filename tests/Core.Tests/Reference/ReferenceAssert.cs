namespace TtLora.Core.Tests.Reference;

/// <summary>Element-wise comparisons that report the worst element on failure.</summary>
internal static class ReferenceAssert
{
    /// <summary>Largest absolute difference between two equally long arrays.</summary>
    public static double MaxAbsDiff(IReadOnlyList<float> a, IReadOnlyList<float> b)
    {
        Assert.Equal(a.Count, b.Count);
        var worst = 0.0;
        for (var i = 0; i < a.Count; i++)
            worst = Math.Max(worst, Math.Abs((double)a[i] - b[i]));
        return worst;
    }

    /// <summary>Asserts |expected - actual| &lt;= tolerance everywhere.</summary>
    public static void Close(IReadOnlyList<float> expected, IReadOnlyList<float> actual, double tolerance, string what)
    {
        var worst = MaxAbsDiff(expected, actual);
        Assert.True(worst <= tolerance, $"{what}: max |diff| {worst:E3} exceeds {tolerance:E1}");
    }

    /// <summary>Asserts the arrays differ somewhere by more than <paramref name="atLeast"/>.</summary>
    public static void Differ(IReadOnlyList<float> a, IReadOnlyList<float> b, double atLeast, string what)
    {
        var worst = MaxAbsDiff(a, b);
        Assert.True(worst > atLeast, $"{what}: max |diff| {worst:E3} should exceed {atLeast:E1}");
    }

    /// <summary>The vector at [row, position] of a row-major [batch, seq, width] array.</summary>
    public static float[] At(float[] values, long[] shape, int row, int position)
    {
        Assert.Equal(3, shape.Length);
        var width = (int)shape[2];
        var start = (row * (int)shape[1] + position) * width;
        return values.AsSpan(start, width).ToArray();
    }

    /// <summary>Positions [from, to) of one row of a [batch, seq, width] array, flattened.</summary>
    public static float[] Span(float[] values, long[] shape, int row, int from, int to)
    {
        Assert.Equal(3, shape.Length);
        var width = (int)shape[2];
        var start = (row * (int)shape[1] + from) * width;
        return values.AsSpan(start, (to - from) * width).ToArray();
    }
}

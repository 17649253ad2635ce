namespace TtLora.Core.Data;

/// <summary>
/// Fisher-Yates shuffles driven by SplitMix64, so a seed gives the same order on every machine and .NET
/// version (System.Random's sequence is not a documented contract).
/// </summary>
public static class SeededShuffle
{
    /// <summary>A shuffled copy of <paramref name="items"/>.</summary>
    public static T[] Shuffle<T>(IReadOnlyList<T> items, ulong seed)
    {
        var result = items.ToArray();
        ulong state = seed;
        for (int i = result.Length - 1; i > 0; i--)
        {
            int j = (int)(Next(ref state) % (ulong)(i + 1));
            (result[i], result[j]) = (result[j], result[i]);
        }
        return result;
    }

    static ulong Next(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

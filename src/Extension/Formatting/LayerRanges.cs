namespace TtLora.Extension.Formatting;

/// <summary>Layer lists in their short form: <c>0-3, 6, 8-9</c>.</summary>
public static class LayerRanges
{
    public static string Describe(IEnumerable<int> layers)
    {
        var sorted = layers.Distinct().Order().ToArray();
        var parts = new List<string>();
        for (int i = 0; i < sorted.Length;)
        {
            int j = i;
            while (j + 1 < sorted.Length && sorted[j + 1] == sorted[j] + 1) j++;
            parts.Add(j == i ? $"{sorted[i]}" : $"{sorted[i]}-{sorted[j]}");
            i = j + 1;
        }
        return string.Join(", ", parts);
    }
}

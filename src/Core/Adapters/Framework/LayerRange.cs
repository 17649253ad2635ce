namespace TtLora.Core.Adapters;

/// <summary>Parses layer selections such as <c>4-7</c>, <c>0,2,5</c> or <c>8-</c> (8 to the last layer).</summary>
public static class LayerRange
{
    /// <summary>The layer indices a spec names, ascending and distinct.</summary>
    /// <param name="spec">Comma-separated items: <c>N</c>, <c>A-B</c> (inclusive) or <c>A-</c> (to the last layer).</param>
    /// <param name="layerCount">Number of decoder layers; every index must be below it.</param>
    /// <param name="option">Option or field name used in messages.</param>
    public static IReadOnlyList<int> Parse(string spec, int layerCount, string option = "--layers")
    {
        var layers = new SortedSet<int>();
        foreach (var raw in spec.Split(',', StringSplitOptions.TrimEntries))
        {
            if (raw.Length == 0) throw new TtLoraException($"{option} \"{spec}\" has an empty item; write e.g. 4-7 or 0,2,5");
            int dash = raw.IndexOf('-');
            int first, last;
            if (dash < 0)
            {
                first = last = Index(raw, spec, option);
            }
            else
            {
                first = Index(raw[..dash], spec, option);
                last = dash == raw.Length - 1 ? layerCount - 1 : Index(raw[(dash + 1)..], spec, option);
                if (last < first) throw new TtLoraException($"{option} \"{spec}\": range {raw} runs backwards");
            }
            if (last >= layerCount)
                throw new TtLoraException($"{option} \"{spec}\" names layer {last} but the model has {layerCount} layers (0-{layerCount - 1})");
            for (int i = first; i <= last; i++) layers.Add(i);
        }
        return layers.ToArray();
    }

    /// <summary>Layers from <paramref name="first"/> to the last one, e.g. "train experts only above layer K".</summary>
    public static IReadOnlyList<int> From(int first, int layerCount)
    {
        if (first < 0 || first >= layerCount)
            throw new TtLoraException($"first layer {first} is outside the model's {layerCount} layers (0-{layerCount - 1})");
        return Enumerable.Range(first, layerCount - first).ToArray();
    }

    private static int Index(string text, string spec, string option) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new TtLoraException($"{option} \"{spec}\": \"{text}\" is not a layer index (a whole number from 0)");
}

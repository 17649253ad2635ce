using System.Globalization;

namespace TtLora.Core.Adapters;

/// <summary>
/// How many LoRA experts each decoder layer gets (MoLA). Three ways to say it:
/// <list type="bullet">
/// <item>groups, <c>2-4-6-8</c>: G counts over G equal groups of layers; group g covers layers
/// ⌊gL/G⌋ ..&lt; ⌊(g+1)L/G⌋;</item>
/// <item>an explicit per-layer list, <c>2,2,4,4</c> (exactly L values);</item>
/// <item>a budget, <c>total:T:increasing|decreasing|uniform|diamond</c>: T experts over G = min(4, L) groups in the
/// profile g+1, G−g, 1 or min(g+1, G−g), rounded by largest remainder, then spread like the group form. So on 4 layers
/// total:20 gives 2-4-6-8, 8-6-4-2, 5-5-5-5 and 3-7-7-3.</item>
/// </list>
/// </summary>
public static class ExpertAllocation
{
    /// <summary>The budget profiles.</summary>
    public static IReadOnlyList<string> Profiles { get; } = ["increasing", "decreasing", "uniform", "diamond"];

    /// <summary>Experts per layer for a model of <paramref name="layers"/> layers.</summary>
    /// <param name="option">The option or field the spec came from, for errors.</param>
    public static IReadOnlyList<int> Parse(string spec, int layers, string option = "--allocation")
    {
        if (layers < 1) throw new TtLoraException($"{option}: the model has no layers");
        spec = spec.Trim();
        if (spec.StartsWith("total:", StringComparison.Ordinal)) return Spread(Budget(spec, layers, option), layers);
        if (spec.Contains(','))
        {
            var list = Numbers(spec.Split(','), spec, option);
            if (list.Count != layers)
                throw new TtLoraException($"{option}: \"{spec}\" lists {list.Count} layers but the model has {layers}; give one count per layer, or groups like 2-4-6-8");
            return list;
        }
        var groups = Numbers(spec.Split('-'), spec, option);
        if (groups.Count > layers)
            throw new TtLoraException($"{option}: \"{spec}\" has {groups.Count} groups but the model has only {layers} layers");
        return Spread(groups, layers);
    }

    /// <summary>Top-k per layer: one number for every layer, or a per-layer list; each must be at least 1 and at most that layer's experts.</summary>
    public static IReadOnlyList<int> TopK(string spec, IReadOnlyList<int> experts, string option = "--top-k")
    {
        var values = Numbers(spec.Split(','), spec, option);
        var topK = values.Count == 1 ? Enumerable.Repeat(values[0], experts.Count).ToList() : values;
        if (topK.Count != experts.Count)
            throw new TtLoraException($"{option}: \"{spec}\" lists {topK.Count} values but the model has {experts.Count} layers");
        Check(experts, topK, option);
        return topK;
    }

    /// <summary>Throws naming the layer when a layer has no expert or routes to more experts than it has.</summary>
    public static void Check(IReadOnlyList<int> experts, IReadOnlyList<int> topK, string option)
    {
        for (int l = 0; l < experts.Count; l++)
        {
            if (experts[l] < 1) throw new TtLoraException($"{option}: layer {l} has {experts[l]} experts; every layer needs at least 1");
            if (topK[l] < 1 || topK[l] > experts[l])
                throw new TtLoraException($"{option}: layer {l} routes each token to {topK[l]} of its {experts[l]} experts; top-k must be between 1 and the layer's experts");
        }
    }

    /// <summary>The group form of a per-layer list, e.g. "2-4-6-8" (one value per run of equal layers).</summary>
    public static string Describe(IReadOnlyList<int> experts)
    {
        var runs = new List<int>();
        foreach (var e in experts) if (runs.Count == 0 || runs[^1] != e) runs.Add(e);
        return string.Join("-", runs);
    }

    static List<int> Spread(IReadOnlyList<int> groups, int layers)
    {
        int g = groups.Count;
        var perLayer = new int[layers];
        for (int i = 0; i < g; i++)
            for (int l = i * layers / g; l < (i + 1) * layers / g; l++) perLayer[l] = groups[i];
        return [.. perLayer];
    }

    static List<int> Budget(string spec, int layers, string option)
    {
        var parts = spec.Split(':');
        if (parts.Length != 3 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int total) || total < 1)
            throw new TtLoraException($"{option}: \"{spec}\" is not total:T:PROFILE with a whole T >= 1 (e.g. total:20:increasing)");
        int g = Math.Min(4, layers);
        double[] weights = parts[2] switch
        {
            "increasing" => [.. Enumerable.Range(0, g).Select(i => (double)(i + 1))],
            "decreasing" => [.. Enumerable.Range(0, g).Select(i => (double)(g - i))],
            "uniform" => [.. Enumerable.Repeat(1.0, g)],
            "diamond" => [.. Enumerable.Range(0, g).Select(i => (double)Math.Min(i + 1, g - i))],
            _ => throw new TtLoraException($"{option}: profile \"{parts[2]}\" is not one of {string.Join(", ", Profiles)}"),
        };
        double sum = weights.Sum();
        var exact = weights.Select(w => total * w / sum).ToArray();
        var counts = exact.Select(x => (int)Math.Floor(x)).ToArray();
        // Largest remainder; ties go to the earlier group, so the result is deterministic.
        foreach (int i in Enumerable.Range(0, g).OrderByDescending(i => exact[i] - counts[i]).ThenBy(i => i).Take(total - counts.Sum())) counts[i]++;
        return [.. counts];
    }

    static List<int> Numbers(IEnumerable<string> parts, string spec, string option) =>
        [.. parts.Select(p => int.TryParse(p.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 ? n
            : throw new TtLoraException($"{option}: \"{spec}\" is not a list of whole numbers >= 1 (e.g. 2-4-6-8, 2,2,4,4 or total:20:increasing)"))];
}

using TtLora.Core.Models;

namespace TtLora.Core.Adapters;

/// <summary>
/// Trainable-parameter budgets without weights: which modules an adapter config selects on a model config, the
/// TT shapes it would use, and how many values each adapter has. Uses the same target resolution and shape
/// planning as <see cref="AdapterInjector"/>, so the numbers equal what injection produces.
/// </summary>
public static class AdapterPlanner
{
    /// <param name="model">The base model's architecture.</param>
    /// <param name="config">The adapter config.</param>
    /// <param name="numLabels">Classification labels: counts the head when the config trains it; 0 plans a causal LM.</param>
    public static AdapterPlan Plan(LlamaConfig model, AdapterConfig config, int numLabels = 0)
    {
        config = config.ResolveFor(model);
        config.Validate("adapter config");
        var targets = AdapterTargets.Select(model, config);
        var rows = targets
            .Select(t => (t.Site, Count: config.ParameterCount(t.Site, t.Target), Rank: config.PlanRank(t.Site, t.Target), Details: config.PlanDetails(t.Site, t.Target)))
            .GroupBy(r => (r.Site.Name, r.Count, r.Rank, r.Details))
            .Select(g => new ModulePlan(
                g.Key.Name, g.First().Site.InFeatures, g.First().Site.OutFeatures,
                g.Select(r => r.Site.Layer).ToArray(), g.Key.Count, g.Key.Count * g.Count(), g.Key.Rank, g.Key.Details))
            .ToList();
        long adapters = rows.Sum(r => r.TotalParameters);
        if (config.TrainsHead && numLabels < 1)
            throw new TtLoraException("modules_to_save names \"score\": give the number of labels to count the classification head");
        long head = config.TrainsHead ? (long)model.HiddenSize * numLabels : 0;
        return new AdapterPlan(config.Kind, rows, adapters, head, adapters + head, BaseParameterCount(model, numLabels));
    }

    /// <summary>
    /// Values in a Llama model: embeddings, per layer the four attention and three feed-forward projections
    /// (with biases if configured) and two norms, the final norm, and either the untied LM head or, with
    /// <paramref name="numLabels"/> &gt; 0, the classification head instead.
    /// </summary>
    public static long BaseParameterCount(LlamaConfig model, int numLabels = 0)
    {
        long hidden = model.HiddenSize, q = (long)model.NumAttentionHeads * model.HeadDim, kv = (long)model.NumKeyValueHeads * model.HeadDim;
        long inter = model.IntermediateSize;
        long attention = hidden * q + 2 * hidden * kv + q * hidden + (model.AttentionBias ? q + 2 * kv + hidden : 0);
        long mlp = 3 * hidden * inter + (model.MlpBias ? 2 * inter + hidden : 0);
        long perLayer = attention + mlp + 2 * hidden;
        long embeddings = (long)model.VocabSize * hidden;
        long head = numLabels > 0 ? hidden * numLabels : model.TieWordEmbeddings ? 0 : embeddings;
        return embeddings + model.NumHiddenLayers * perLayer + hidden + head;
    }
}

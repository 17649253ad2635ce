using TorchSharp.Modules;
using TtLora.Core.Models;
using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>
/// Where adapters can go in a Llama model: the seven projections of every decoder layer and the layer's
/// feed-forward block (<c>mlp</c>), named as Hugging Face names them under <c>model.</c>. Reads and replaces
/// the modules in those slots.
/// </summary>
public static class LlamaAdapterSites
{
    /// <summary>Name of the feed-forward block as a target.</summary>
    public const string MlpBlock = "mlp";

    /// <summary>Projection names in model order.</summary>
    public static IReadOnlyList<string> LinearNames { get; } = [.. LlamaAttention.ProjectionNames, .. LlamaMlp.ProjectionNames];

    /// <summary>Every site of a model with this config, layer by layer.</summary>
    public static IReadOnlyList<AdapterSite> Enumerate(LlamaConfig config)
    {
        int hidden = config.HiddenSize, q = config.NumAttentionHeads * config.HeadDim, kv = config.NumKeyValueHeads * config.HeadDim;
        int inter = config.IntermediateSize;
        var sites = new List<AdapterSite>();
        for (int layer = 0; layer < config.NumHiddenLayers; layer++)
        {
            string attention = $"model.layers.{layer}.self_attn", mlp = $"model.layers.{layer}.mlp";
            sites.Add(new($"{attention}.q_proj", "q_proj", layer, hidden, q, true));
            sites.Add(new($"{attention}.k_proj", "k_proj", layer, hidden, kv, true));
            sites.Add(new($"{attention}.v_proj", "v_proj", layer, hidden, kv, true));
            sites.Add(new($"{attention}.o_proj", "o_proj", layer, q, hidden, true));
            sites.Add(new($"{mlp}.gate_proj", "gate_proj", layer, hidden, inter, true));
            sites.Add(new($"{mlp}.up_proj", "up_proj", layer, hidden, inter, true));
            sites.Add(new($"{mlp}.down_proj", "down_proj", layer, inter, hidden, true));
            sites.Add(new(mlp, MlpBlock, layer, hidden, hidden, false));
        }
        return sites;
    }

    /// <summary>Distinct site names, for messages.</summary>
    public static IReadOnlyList<string> Names => [.. LinearNames, MlpBlock];

    /// <summary>The module currently in a site's slot (the plain module, or an adapter wrapper around it).</summary>
    public static nn.Module<Tensor, Tensor> Get(LlamaModel model, AdapterSite site)
    {
        var layer = model.Layers[site.Layer];
        if (!site.IsLinear) return layer.Mlp;
        if (LlamaAttention.ProjectionNames.Contains(site.Name)) return layer.SelfAttention.Projection(site.Name);
        return FeedForward(layer).Projection(site.Name);
    }

    /// <summary>Puts a module into a site's slot and returns the one it replaces.</summary>
    public static nn.Module<Tensor, Tensor> Replace(LlamaModel model, AdapterSite site, nn.Module<Tensor, Tensor> replacement)
    {
        var layer = model.Layers[site.Layer];
        if (!site.IsLinear) return layer.ReplaceMlp(replacement);
        if (LlamaAttention.ProjectionNames.Contains(site.Name)) return layer.SelfAttention.ReplaceProjection(site.Name, replacement);
        return FeedForward(layer).ReplaceProjection(site.Name, replacement);
    }

    /// <summary>The plain Linear at a site, looking through an adapter wrapper.</summary>
    public static Linear BaseLinear(LlamaModel model, AdapterSite site) => Get(model, site) switch
    {
        Linear linear => linear,
        AdaptedLinear adapted => adapted.Base,
        var other => throw new InvalidOperationException($"{site.Path} holds a {other.GetType().Name}, not a Linear"),
    };

    // The feed-forward block may itself be wrapped by a block adapter; its projections live in the wrapped LlamaMlp.
    private static LlamaMlp FeedForward(LlamaDecoderLayer layer) => layer.Mlp switch
    {
        LlamaMlp mlp => mlp,
        AdaptedBlock block => (LlamaMlp)block.BaseLayer,
        var other => throw new InvalidOperationException($"the feed-forward block is a {other.GetType().Name}"),
    };
}

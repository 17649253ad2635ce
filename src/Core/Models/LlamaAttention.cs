using TorchSharp;
using static TorchSharp.torch;

namespace TtLora.Core.Models;

/// <summary>
/// Multi-head self-attention with grouped key/value heads. The projections are typed as plain modules so
/// that adapters can wrap them (TorchSharp's Linear is sealed); field names are Hugging Face's keys.
/// </summary>
public sealed class LlamaAttention : nn.Module
{
    private nn.Module<Tensor, Tensor> q_proj;
    private nn.Module<Tensor, Tensor> k_proj;
    private nn.Module<Tensor, Tensor> v_proj;
    private nn.Module<Tensor, Tensor> o_proj;
    private AttentionAddend? addend;
    private readonly int heads, kvHeads, headDim;

    public LlamaAttention(LlamaConfig config, Device? device, ScalarType dtype) : base("LlamaAttention")
    {
        heads = config.NumAttentionHeads;
        kvHeads = config.NumKeyValueHeads;
        headDim = config.HeadDim;
        int hidden = config.HiddenSize;
        q_proj = nn.Linear(hidden, heads * headDim, config.AttentionBias, device, dtype);
        k_proj = nn.Linear(hidden, kvHeads * headDim, config.AttentionBias, device, dtype);
        v_proj = nn.Linear(hidden, kvHeads * headDim, config.AttentionBias, device, dtype);
        o_proj = nn.Linear(heads * headDim, hidden, config.AttentionBias, device, dtype);
        RegisterComponents();
    }

    /// <summary>Names of the projection slots, as Hugging Face names them.</summary>
    public static IReadOnlyList<string> ProjectionNames { get; } = ["q_proj", "k_proj", "v_proj", "o_proj"];

    /// <summary>The module in a projection slot: a Linear, or an adapter wrapper around one.</summary>
    public nn.Module<Tensor, Tensor> Projection(string name) => Slot(name);

    /// <summary>
    /// Puts <paramref name="replacement"/> into a projection slot (e.g. an adapter wrapping the sealed Linear)
    /// and returns the module it replaces, which the caller now owns.
    /// </summary>
    public nn.Module<Tensor, Tensor> ReplaceProjection(string name, nn.Module<Tensor, Tensor> replacement)
    {
        ref var slot = ref Slot(name);
        var previous = slot;
        register_module(name, null!); // a null module unregisters the name
        register_module(name, replacement);
        slot = replacement;
        return previous;
    }

    /// <summary>The module whose output is added before <c>o_proj</c> (null: none).</summary>
    public AttentionAddend? Addend => addend;

    /// <summary>Puts an addend module into the slot before <c>o_proj</c> (null empties it) and returns the previous one, which the caller now owns.</summary>
    public AttentionAddend? SetAddend(AttentionAddend? module)
    {
        var previous = addend;
        if (previous is not null) register_module(nameof(addend), null!); // a null module unregisters the name
        if (module is not null) register_module(nameof(addend), module);
        addend = module;
        return previous;
    }

    ref nn.Module<Tensor, Tensor> Slot(string name)
    {
        switch (name)
        {
            case "q_proj": return ref q_proj;
            case "k_proj": return ref k_proj;
            case "v_proj": return ref v_proj;
            case "o_proj": return ref o_proj;
            default: throw new ArgumentException($"no projection named \"{name}\"; expected one of {string.Join(", ", ProjectionNames)}", nameof(name));
        }
    }

    /// <param name="x">[B, S, hidden]</param>
    /// <param name="cos">rotary cos [B, S, head_dim]</param>
    /// <param name="sin">rotary sin [B, S, head_dim]</param>
    /// <param name="mask">additive mask [B, 1, S, T], or null for plain causal attention without padding or cache</param>
    /// <param name="cache">past keys/values, appended to in place</param>
    /// <param name="layerIndex">this layer's slot in the cache</param>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, KvCache? cache, int layerIndex)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], s = x.shape[1];
        var q = q_proj.call(x).view(b, s, heads, headDim).transpose(1, 2);
        var k = k_proj.call(x).view(b, s, kvHeads, headDim).transpose(1, 2);
        var v = v_proj.call(x).view(b, s, kvHeads, headDim).transpose(1, 2);
        q = RotaryEmbedding.Apply(q, cos, sin);
        k = RotaryEmbedding.Apply(k, cos, sin);
        if (cache is not null) (k, v) = cache.Append(layerIndex, k, v);
        k = RepeatKv(k);
        v = RepeatKv(v);
        // SDPA's default scale is 1/sqrt(head_dim), which is Llama's.
        var attended = mask is null
            ? nn.functional.scaled_dot_product_attention(q, k, v, is_casual: s > 1)
            : nn.functional.scaled_dot_product_attention(q, k, v, mask);
        var merged = attended.transpose(1, 2).reshape(b, s, heads * headDim);
        if (addend is not null) merged = merged.add(addend.Addend(q, x));
        return o_proj.call(merged).MoveToOuterDisposeScope();
    }

    /// <summary>Expands [B, kv_heads, T, D] to [B, heads, T, D]: each kv head serves heads/kv_heads query heads.</summary>
    Tensor RepeatKv(Tensor kv)
    {
        int groups = heads / kvHeads;
        if (groups == 1) return kv;
        long b = kv.shape[0], t = kv.shape[2];
        return kv.unsqueeze(2).expand(b, kvHeads, groups, t, headDim).reshape(b, heads, t, headDim);
    }
}

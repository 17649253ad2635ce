using static TorchSharp.torch;

namespace TtLora.Core.Models;

/// <summary>
/// A module a method puts into a decoder layer to see each forward's block input (e.g. a router that gates the
/// layer's experts). It is called once per layer forward, before attention, with the block input x
/// <c>[B, S, hidden]</c> and <c>input_layernorm(x)</c>, computed once for both it and attention. It changes nothing
/// by itself; an empty slot costs nothing.
/// </summary>
public abstract class LayerInputObserver : nn.Module
{
    protected LayerInputObserver(string name) : base(name)
    {
    }

    /// <param name="blockInput">The layer's input x, before normalisation.</param>
    /// <param name="normedInput"><c>input_layernorm(x)</c>, the attention block's input.</param>
    public abstract void Observe(Tensor blockInput, Tensor normedInput);
}

/// <summary>
/// A module whose output is added to attention's merged heads between scaled dot-product attention and
/// <c>o_proj</c> (so <c>o_proj</c> and any adapter on it see the sum), e.g. a prompt expert attending over learned
/// prompt slots. An empty slot leaves attention exactly as it is.
/// </summary>
public abstract class AttentionAddend : nn.Module
{
    protected AttentionAddend(string name) : base(name)
    {
    }

    /// <param name="query">The queries after rotary embedding, <c>[B, heads, S, head_dim]</c>.</param>
    /// <param name="input">The attention block's input (the normed hidden states) <c>[B, S, hidden]</c>.</param>
    /// <returns>The addend <c>[B, S, heads · head_dim]</c>.</returns>
    public abstract Tensor Addend(Tensor query, Tensor input);
}

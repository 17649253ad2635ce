using TorchSharp;
using static TorchSharp.torch;

namespace TtLora.Core.Models;

/// <summary>Pre-norm decoder block: x + attn(norm(x)), then h + mlp(norm(h)).</summary>
public sealed class LlamaDecoderLayer : nn.Module
{
    private LlamaAttention self_attn;
    private nn.Module<Tensor, Tensor> mlp;
    private RmsNorm input_layernorm;
    private RmsNorm post_attention_layernorm;
    private LayerInputObserver? input_observer;
    private readonly int index;

    public LlamaDecoderLayer(LlamaConfig config, int index, Device? device, ScalarType dtype) : base("LlamaDecoderLayer")
    {
        this.index = index;
        self_attn = new LlamaAttention(config, device, dtype);
        mlp = new LlamaMlp(config, device, dtype);
        input_layernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, device, dtype);
        post_attention_layernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, device, dtype);
        RegisterComponents();
    }

    /// <summary>The attention block (its projections can be replaced by adapter wrappers).</summary>
    public LlamaAttention SelfAttention => self_attn;

    /// <summary>The feed-forward block: a <see cref="LlamaMlp"/>, or a block adapter wrapping one.</summary>
    public nn.Module<Tensor, Tensor> Mlp => mlp;

    /// <summary>Puts <paramref name="replacement"/> in place of the feed-forward block and returns the previous one, which the caller now owns.</summary>
    public nn.Module<Tensor, Tensor> ReplaceMlp(nn.Module<Tensor, Tensor> replacement)
    {
        var previous = mlp;
        register_module(nameof(mlp), null!); // a null module unregisters the name
        register_module(nameof(mlp), replacement);
        mlp = replacement;
        return previous;
    }

    /// <summary>The module that sees each forward's block input (null: none).</summary>
    public LayerInputObserver? InputObserver => input_observer;

    /// <summary>Puts a block-input observer into the layer (null empties the slot) and returns the previous one, which the caller now owns.</summary>
    public LayerInputObserver? SetInputObserver(LayerInputObserver? observer)
    {
        var previous = input_observer;
        if (previous is not null) register_module(nameof(input_observer), null!); // a null module unregisters the name
        if (observer is not null) register_module(nameof(input_observer), observer);
        input_observer = observer;
        return previous;
    }

    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, KvCache? cache)
    {
        using var scope = NewDisposeScope();
        var normed = input_layernorm.call(x);
        input_observer?.Observe(x, normed);
        var h = x + self_attn.Forward(normed, cos, sin, mask, cache, index);
        var y = h + mlp.call(post_attention_layernorm.call(h));
        return y.MoveToOuterDisposeScope();
    }
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TtLora.Core.Models;

/// <summary>
/// The decoder stack without a head (Hugging Face's <c>model.*</c> keys): embeddings, layers, final norm.
/// </summary>
public sealed class LlamaModel : nn.Module
{
    private Embedding embed_tokens;
    private ModuleList<LlamaDecoderLayer> layers;
    private RmsNorm norm;
    private readonly RotaryEmbedding rotary;
    private readonly LlamaDecoderLayer[] layerArray;

    public LlamaModel(LlamaConfig config, Device? device, ScalarType dtype) : base("LlamaModel")
    {
        Config = config;
        embed_tokens = nn.Embedding(config.VocabSize, config.HiddenSize, device: device, dtype: dtype);
        layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers)
            .Select(i => new LlamaDecoderLayer(config, i, device, dtype)).ToArray());
        norm = new RmsNorm(config.HiddenSize, config.RmsNormEps, device, dtype);
        rotary = new RotaryEmbedding(config);
        layerArray = layers.ToArray();
        RegisterComponents();
    }

    public LlamaConfig Config { get; }
    public Embedding EmbedTokens => embed_tokens;
    public IReadOnlyList<LlamaDecoderLayer> Layers => layerArray;

    /// <summary>The final norm (routers read intermediate hidden states through it).</summary>
    public RmsNorm Norm => norm;

    /// <summary>
    /// Final normed hidden states [B, S, hidden] for token ids [B, S].
    /// </summary>
    /// <param name="attentionMask">[B, past + S] of 1 (real token) / 0 (padding); null means no padding.</param>
    /// <param name="positionIds">
    /// [B, S]; when null they are derived from the attention mask (cumulative count of real tokens − 1, as
    /// Hugging Face's generate does), so a left-padded row gets the same positions as the unpadded one.
    /// Without a mask they are past .. past + S − 1.
    /// </param>
    public Tensor Forward(Tensor inputIds, Tensor? attentionMask = null, Tensor? positionIds = null, KvCache? cache = null) =>
        Forward(inputIds, attentionMask, positionIds, cache, Config.NumHiddenLayers, applyFinalNorm: true);

    /// <summary>
    /// Runs the first <paramref name="numLayers"/> layers only; with <paramref name="applyFinalNorm"/> the
    /// result is normed as the full model's output would be.
    /// </summary>
    public Tensor Forward(Tensor inputIds, Tensor? attentionMask, Tensor? positionIds, KvCache? cache, int numLayers, bool applyFinalNorm)
    {
        if (inputIds.dim() != 2) throw new ArgumentException($"input ids must be [batch, seq], got [{string.Join(",", inputIds.shape)}]");
        using var scope = NewDisposeScope();
        var x = embed_tokens.call(inputIds);
        x = RunLayers(x, inputIds, attentionMask, positionIds, cache, 0, numLayers, applyFinalNorm);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Continues a forward pass from the (un-normed) hidden states after layer <paramref name="firstLayer"/> − 1, running
    /// layers <paramref name="firstLayer"/>.. to the end: a prefix run with <c>applyFinalNorm: false</c> followed by this
    /// equals the full forward. Lets a router look at an intermediate state and the same pass go on with experts.
    /// </summary>
    public Tensor ForwardFrom(Tensor hidden, Tensor inputIds, Tensor? attentionMask, int firstLayer, bool applyFinalNorm = true)
    {
        if (firstLayer < 0 || firstLayer > Config.NumHiddenLayers)
            throw new ArgumentOutOfRangeException(nameof(firstLayer), $"first layer {firstLayer} is outside 0..{Config.NumHiddenLayers}");
        using var scope = NewDisposeScope();
        var x = RunLayers(hidden, inputIds, attentionMask, null, null, firstLayer, Config.NumHiddenLayers, applyFinalNorm);
        return x.MoveToOuterDisposeScope();
    }

    Tensor RunLayers(Tensor x, Tensor inputIds, Tensor? attentionMask, Tensor? positionIds, KvCache? cache, int first, int end, bool applyFinalNorm)
    {
        long b = inputIds.shape[0], s = inputIds.shape[1];
        long past = cache?.Length ?? 0;
        positionIds ??= DefaultPositions(attentionMask, b, s, past, inputIds.device);
        var (cos, sin) = rotary.CosSin(positionIds, x.dtype);
        var mask = AttentionMask.Build(attentionMask, b, s, past, x.dtype, x.device);
        for (int i = first; i < end; i++)
            x = layers[i].Forward(x, cos, sin, mask, cache);
        if (applyFinalNorm) x = norm.call(x);
        return x;
    }

    static Tensor DefaultPositions(Tensor? attentionMask, long b, long s, long past, Device device)
    {
        if (attentionMask is null)
            return torch.arange(past, past + s, dtype: ScalarType.Int64, device: device).unsqueeze(0).expand(b, s);
        var positions = attentionMask.to(ScalarType.Int64).cumsum(-1) - 1;
        positions = positions.clamp_min(0);
        return positions.narrow(1, positions.shape[1] - s, s);
    }
}

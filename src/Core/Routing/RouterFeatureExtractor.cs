using TtLora.Core.Models;
using static TorchSharp.torch;

namespace TtLora.Core.Routing;

/// <summary>
/// Runs the frozen base (no adapters may be active) and pools router features. By default the router reads the final
/// normed hidden states, as in TT-LoRA MoE. With <see cref="RouteFromLayer"/> = K it reads the state after decoder
/// layer K (0-based) passed through the model's final norm: the norm puts intermediate states on the scale the final
/// ones have, so the same routers and learning rates work, and it costs one cheap op.
/// </summary>
public sealed class RouterFeatureExtractor
{
    private readonly LlamaModel model;

    public RouterFeatureExtractor(LlamaModel model, int? routeFromLayer, int? padTokenId)
    {
        if (routeFromLayer is int k && (k < 0 || k >= model.Config.NumHiddenLayers))
            throw new TtLoraException($"--route-from-layer {k}: the model has layers 0-{model.Config.NumHiddenLayers - 1}");
        this.model = model;
        RouteFromLayer = routeFromLayer;
        PadTokenId = padTokenId;
    }

    /// <summary>The layer whose output the router reads (null: the final states).</summary>
    public int? RouteFromLayer { get; }

    public int? PadTokenId { get; }

    /// <summary>
    /// Runs the base up to the routing layer and pools features. Returns the un-normed states after that layer too, from
    /// which <see cref="LlamaModel.ForwardFrom"/> continues the same pass (null when the router reads the final states).
    /// </summary>
    public (Tensor? Prefix, RouterFeatureBatch Features) Run(Tensor inputIds, Tensor mask, bool keepTokens)
    {
        using var scope = NewDisposeScope();
        Tensor? prefix = null;
        Tensor routed;
        if (RouteFromLayer is int k)
        {
            prefix = model.Forward(inputIds, mask, null, null, k + 1, applyFinalNorm: false);
            routed = model.Norm.call(prefix);
        }
        else
        {
            routed = model.Forward(inputIds, mask);
        }
        var embeddings = model.EmbedTokens.call(inputIds);
        var features = RouterFeatureBatch.From(routed, embeddings, inputIds, mask, PadTokenId, keepTokens);
        var result = (prefix?.MoveToOuterDisposeScope(), Move(features));
        return result;
    }

    static RouterFeatureBatch Move(RouterFeatureBatch f) => new(f.LastToken.MoveToOuterDisposeScope(), f.MeanPooled.MoveToOuterDisposeScope(),
        f.MeanEmbedding.MoveToOuterDisposeScope(), f.Tokens?.MoveToOuterDisposeScope(), f.TokenMask?.MoveToOuterDisposeScope());
}

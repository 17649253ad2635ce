using static TorchSharp.torch;

namespace TtLora.Core.Routing;

/// <summary>
/// What routers read for a batch, all from the frozen base without adapters: the state at each row's last non-pad
/// token, the state averaged over real tokens, the averaged token embeddings (all <c>[batch, hidden]</c>), and for the
/// attention router the per-token states <c>[batch, seq, hidden]</c> with their mask <c>[batch, seq]</c> (1 = real).
/// </summary>
public sealed record RouterFeatureBatch(Tensor LastToken, Tensor MeanPooled, Tensor MeanEmbedding, Tensor? Tokens = null, Tensor? TokenMask = null)
{
    /// <summary>The pooled state <paramref name="pooling"/> names.</summary>
    public Tensor Pooled(RouterPooling pooling) => pooling == RouterPooling.Mean ? MeanPooled : LastToken;

    /// <summary>Rows in the batch.</summary>
    public long Count => LastToken.shape[0];

    /// <summary>Pools features from hidden states <c>[batch, seq, hidden]</c> and token embeddings of the same shape.</summary>
    /// <param name="hidden">States the router reads (already normed as the router expects).</param>
    /// <param name="embeddings">The input's token embeddings.</param>
    /// <param name="inputIds">Token ids, to find each row's last non-pad token.</param>
    /// <param name="mask">Attention mask, 1 for real tokens.</param>
    /// <param name="padTokenId">The pad id used for last-token pooling (as the classification head pools).</param>
    /// <param name="keepTokens">Keep the per-token states (the attention router needs them).</param>
    public static RouterFeatureBatch From(Tensor hidden, Tensor embeddings, Tensor inputIds, Tensor mask, int? padTokenId, bool keepTokens)
    {
        using var scope = NewDisposeScope();
        var last = Models.LlamaForSequenceClassification.Pool(hidden, inputIds, mask, padTokenId);
        var weights = mask.to(hidden.dtype).unsqueeze(-1);
        var count = weights.sum(1).clamp_min(1);
        var mean = hidden.mul(weights).sum(1).div(count);
        var meanEmbedding = embeddings.mul(weights).sum(1).div(count);
        var batch = new RouterFeatureBatch(last.MoveToOuterDisposeScope(), mean.MoveToOuterDisposeScope(), meanEmbedding.MoveToOuterDisposeScope(),
            keepTokens ? hidden.detach().MoveToOuterDisposeScope() : null, keepTokens ? mask.ne(0).MoveToOuterDisposeScope() : null);
        return batch;
    }
}

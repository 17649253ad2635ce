using static TorchSharp.torch;

namespace TtLora.Core.Routing;

/// <summary>
/// Router features for a whole data set, computed once: the base model is frozen and runs without adapters, so its
/// states never change while the router trains and every epoch can read them from here instead of re-running it.
/// Per-token states (attention router only) are kept right-padded to the longest example.
/// </summary>
public sealed class RouterFeatureCache : IDisposable
{
    private readonly Tensor lastToken, meanPooled, meanEmbedding;
    private readonly Tensor? tokens, tokenMask;

    private RouterFeatureCache(Tensor lastToken, Tensor meanPooled, Tensor meanEmbedding, Tensor? tokens, Tensor? tokenMask)
    {
        this.lastToken = lastToken;
        this.meanPooled = meanPooled;
        this.meanEmbedding = meanEmbedding;
        this.tokens = tokens;
        this.tokenMask = tokenMask;
    }

    /// <summary>Number of examples.</summary>
    public long Count => lastToken.shape[0];

    /// <summary>Bytes held (to judge whether per-token caching fits).</summary>
    public long Bytes => new[] { lastToken, meanPooled, meanEmbedding, tokens, tokenMask }.Where(t => t is not null).Sum(t => t!.numel() * t.ElementSize);

    /// <summary>Concatenates per-batch features (in example order) into one cache; the parts are not disposed.</summary>
    public static RouterFeatureCache FromBatches(IReadOnlyList<RouterFeatureBatch> batches)
    {
        if (batches.Count == 0) throw new TtLoraException("router features: no examples");
        using var scope = NewDisposeScope();
        var last = torch.cat(batches.Select(b => b.LastToken).ToArray(), 0);
        var mean = torch.cat(batches.Select(b => b.MeanPooled).ToArray(), 0);
        var embed = torch.cat(batches.Select(b => b.MeanEmbedding).ToArray(), 0);
        Tensor? tokens = null, mask = null;
        if (batches[0].Tokens is not null)
        {
            long width = batches.Max(b => b.Tokens!.shape[1]);
            tokens = torch.cat(batches.Select(b => nn.functional.pad(b.Tokens!, [0, 0, 0, width - b.Tokens!.shape[1]])).ToArray(), 0);
            // Kept as 0/1 integers (right-padded rows, so a row's length is its sum).
            mask = torch.cat(batches.Select(b => nn.functional.pad(b.TokenMask!.to(ScalarType.Int64), [0, width - b.TokenMask!.shape[1]])).ToArray(), 0);
        }
        return new RouterFeatureCache(last.MoveToOuterDisposeScope(), mean.MoveToOuterDisposeScope(), embed.MoveToOuterDisposeScope(),
            tokens?.MoveToOuterDisposeScope(), mask?.MoveToOuterDisposeScope());
    }

    /// <summary>The features of some examples (tensors owned by the caller's dispose scope).</summary>
    public RouterFeatureBatch Batch(IReadOnlyList<int> indices)
    {
        var index = torch.tensor(indices.Select(i => (long)i).ToArray(), device: lastToken.device);
        Tensor? batchTokens = null, batchMask = null;
        if (tokens is not null)
        {
            // Trim to the longest row of this batch, as a freshly padded batch would be.
            var rowMask = tokenMask!.index_select(0, index);
            long width = Math.Max(1, rowMask.sum(1).max().item<long>());
            batchMask = rowMask.narrow(1, 0, width).ne(0);
            batchTokens = tokens.index_select(0, index).narrow(1, 0, width);
        }
        return new RouterFeatureBatch(lastToken.index_select(0, index), meanPooled.index_select(0, index), meanEmbedding.index_select(0, index), batchTokens, batchMask);
    }

    public void Dispose()
    {
        lastToken.Dispose(); meanPooled.Dispose(); meanEmbedding.Dispose();
        tokens?.Dispose(); tokenMask?.Dispose();
    }
}

using static TorchSharp.torch;

namespace TtLora.Core.Models;

/// <summary>
/// Keys and values of past positions for incremental decoding, one pair per layer, shaped
/// [B, kv_heads, T, head_dim]. Owns its tensors (they live outside any dispose scope).
/// </summary>
public sealed class KvCache : IDisposable
{
    private readonly (Tensor Keys, Tensor Values)?[] layers;

    public KvCache(int numLayers) => layers = new (Tensor, Tensor)?[numLayers];

    /// <summary>Number of cached positions.</summary>
    public long Length => layers[0]?.Keys.shape[2] ?? 0;

    /// <summary>Appends this step's keys/values for a layer and returns the full sequence of them.</summary>
    public (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values)
    {
        var previous = layers[layer];
        Tensor k, v;
        if (previous is null)
        {
            k = keys.detach().clone();
            v = values.detach().clone();
        }
        else
        {
            k = torch.cat([previous.Value.Keys, keys.detach()], 2);
            v = torch.cat([previous.Value.Values, values.detach()], 2);
            previous.Value.Keys.Dispose();
            previous.Value.Values.Dispose();
        }
        k.DetachFromDisposeScope();
        v.DetachFromDisposeScope();
        layers[layer] = (k, v);
        return (k, v);
    }

    public void Dispose()
    {
        for (int i = 0; i < layers.Length; i++)
        {
            layers[i]?.Keys.Dispose();
            layers[i]?.Values.Dispose();
            layers[i] = null;
        }
    }
}

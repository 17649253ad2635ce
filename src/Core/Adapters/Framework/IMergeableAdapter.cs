using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>
/// An adapter on a Linear whose delta is linear in the input, so it equals <c>x @ DenseDelta()^T</c> and can be merged
/// into the base weight. Adapters whose delta depends on the input in another way (routed experts, gates) do not
/// implement it, and merging them is refused.
/// </summary>
public interface IMergeableAdapter
{
    /// <summary>The full update <c>[out, in]</c>, scaling included, so merging is <c>W += DenseDelta()</c>.</summary>
    Tensor DenseDelta();
}

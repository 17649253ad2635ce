using static TorchSharp.torch;

namespace TtLora.Core.Routing;

/// <summary>
/// A router's decision for a batch: clean logits <c>[batch, experts]</c>, the learned noise scale (noisy routers
/// only), the logits used for the decision (clean plus scaled noise when noise is on), the top-k gates (one-hot for
/// k = 1) and the chosen expert per row.
/// </summary>
public sealed record RouterOutput(Tensor CleanLogits, Tensor? NoiseScale, Tensor Logits, Tensor Gates, Tensor Chosen)
{
    /// <summary>Softmax over all experts of the decision logits (what a person reads as the router's confidence).</summary>
    public Tensor Probabilities() => Logits.softmax(-1);
}

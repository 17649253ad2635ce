namespace TtLora.Core.Routing;

/// <summary>What a router looks like: its kind, the base's hidden size, the number of experts, k, and the kind's widths.</summary>
/// <param name="Kind">Architecture.</param>
/// <param name="HiddenSize">Width of the base model's hidden states.</param>
/// <param name="Experts">Number of experts routed to.</param>
/// <param name="TopK">Experts kept per input (1: the paper's top-1).</param>
/// <param name="MlpWidth">Hidden width of the MLP router (the reference's 1024, capped at 4 x hidden for small bases).</param>
/// <param name="AttentionHeads">Heads of the attention router (the reference's 4).</param>
/// <param name="Pooling">The state the noisy top-k and MLP routers score (the last token's, as the paper does, or the mean).</param>
public sealed record RouterShape(RouterKind Kind, int HiddenSize, int Experts, int TopK = 1, int? MlpWidth = null, int AttentionHeads = 4,
    RouterPooling Pooling = RouterPooling.Last)
{
    /// <summary>The MLP router's hidden width actually used.</summary>
    public int EffectiveMlpWidth => MlpWidth ?? Math.Min(1024, 4 * HiddenSize);
}

using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TtLora.Core.Routing;

/// <summary>The reference's cheapest router: one linear layer (with bias) over the mean of the input's token embeddings.</summary>
public sealed class EmbeddingRouter : Router
{
    private readonly Linear w_gate;

    public EmbeddingRouter(RouterShape shape) : base(nameof(EmbeddingRouter), shape)
    {
        w_gate = nn.Linear(shape.HiddenSize, shape.Experts, hasBias: true);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override (Tensor Clean, Tensor? NoiseScale) Scores(RouterFeatureBatch features) => (w_gate.call(features.MeanEmbedding), null);
}

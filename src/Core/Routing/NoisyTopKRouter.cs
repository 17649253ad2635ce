using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TtLora.Core.Routing;

/// <summary>
/// TT-LoRA MoE's router: clean logits <c>w_gate(h_last)</c> (no bias) from the last non-pad token's state (or the mean
/// state, with <see cref="RouterPooling.Mean"/>), noise scale
/// <c>softplus(w_noise(mean h))</c> (with bias) from the state averaged over real tokens. Parameters: 2·hidden·E + E.
/// </summary>
public sealed class NoisyTopKRouter : Router
{
    private readonly Linear w_gate;
    private readonly Linear w_noise;

    public NoisyTopKRouter(RouterShape shape) : base(nameof(NoisyTopKRouter), shape)
    {
        w_gate = nn.Linear(shape.HiddenSize, shape.Experts, hasBias: false);
        w_noise = nn.Linear(shape.HiddenSize, shape.Experts, hasBias: true);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override (Tensor Clean, Tensor? NoiseScale) Scores(RouterFeatureBatch features)
    {
        using var scope = NewDisposeScope();
        var clean = w_gate.call(features.Pooled(Shape.Pooling));
        var scale = nn.functional.softplus(w_noise.call(features.MeanPooled));
        return (clean.MoveToOuterDisposeScope(), scale.MoveToOuterDisposeScope());
    }
}

using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TtLora.Core.Routing;

/// <summary>The reference's MLP router: <c>fc2(relu(fc1(h_last)))</c>, hidden -> width -> experts, on the last non-pad token's state (or the mean state).</summary>
public sealed class MlpRouter : Router
{
    private readonly Linear fc1;
    private readonly Linear fc2;

    public MlpRouter(RouterShape shape) : base(nameof(MlpRouter), shape)
    {
        fc1 = nn.Linear(shape.HiddenSize, shape.EffectiveMlpWidth, hasBias: true);
        fc2 = nn.Linear(shape.EffectiveMlpWidth, shape.Experts, hasBias: true);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override (Tensor Clean, Tensor? NoiseScale) Scores(RouterFeatureBatch features)
    {
        using var scope = NewDisposeScope();
        return (fc2.call(nn.functional.relu(fc1.call(features.Pooled(Shape.Pooling)))).MoveToOuterDisposeScope(), null);
    }
}

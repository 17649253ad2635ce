using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TtLora.Core.Routing;

/// <summary>
/// A sequence-level router over frozen experts: scores every expert from pooled features of the frozen base, and
/// picks the top k. Noise (noisy routers only) is added when asked — in training, and at inference only on request.
/// </summary>
public abstract class Router : nn.Module
{
    protected Router(string name, RouterShape shape) : base(name)
    {
        if (shape.Experts < 2) throw new TtLoraException($"a router needs at least 2 experts, got {shape.Experts}");
        if (shape.TopK < 1 || shape.TopK > shape.Experts) throw new TtLoraException($"--top-k must be in 1..{shape.Experts}, got {shape.TopK}");
        Shape = shape;
    }

    /// <summary>Kind, widths and k.</summary>
    public RouterShape Shape { get; }

    /// <summary>Whether the router needs per-token states (not just pooled ones).</summary>
    public virtual bool NeedsTokens => false;

    /// <summary>Trainable values.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>Clean logits <c>[batch, experts]</c> and, for a noisy router, the noise scale (positive, same shape).</summary>
    public abstract (Tensor Clean, Tensor? NoiseScale) Scores(RouterFeatureBatch features);

    /// <summary>Routes a batch; with <paramref name="addNoise"/> the noisy router adds <c>N(0,1) * scale</c> to its logits.</summary>
    public RouterOutput Route(RouterFeatureBatch features, bool addNoise, Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        var (clean, scale) = Scores(features);
        var logits = addNoise && scale is not null
            ? clean.add(torch.randn(clean.shape, dtype: clean.dtype, device: clean.device, generator: generator).mul(scale))
            : clean;
        var gates = TopKGate.Gates(logits, Shape.TopK);
        var chosen = logits.argmax(-1);
        return new RouterOutput(clean.MoveToOuterDisposeScope(), scale?.MoveToOuterDisposeScope(), logits.MoveToOuterDisposeScope(),
            gates.MoveToOuterDisposeScope(), chosen.MoveToOuterDisposeScope());
    }

    /// <summary>Parameters by the names <c>router.safetensors</c> uses.</summary>
    public IReadOnlyList<(string Name, Parameter Value)> NamedTensors() => named_parameters().Select(p => (p.name, p.parameter)).ToArray();

    /// <summary>A freshly initialised router of the shape's kind (seeded by a private generator, so runs repeat).</summary>
    public static Router Create(RouterShape shape, long seed = 0, Device? device = null)
    {
        Router router = shape.Kind switch
        {
            RouterKind.NoisyTopK => new NoisyTopKRouter(shape),
            RouterKind.Embedding => new EmbeddingRouter(shape),
            RouterKind.Mlp => new MlpRouter(shape),
            RouterKind.Attention => new AttentionRouter(shape),
            _ => throw new TtLoraException($"unknown router kind {shape.Kind}"),
        };
        router.Initialize(seed);
        if (device is not null) router.to(device);
        return router;
    }

    // PyTorch's Linear default, uniform(±1/sqrt(fan_in)) for weight and bias, drawn from a private generator so creating
    // (or loading) a router never touches torch's global random state; other vectors (the attention query) get N(0, 0.02).
    private void Initialize(long seed)
    {
        using var generator = new Generator(unchecked((ulong)seed));
        using var noGrad = torch.no_grad();
        var named = named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in named)
        {
            using var scope = NewDisposeScope();
            string owner = name.Contains('.') ? name[..name.LastIndexOf('.')] : "";
            long fanIn = parameter.dim() >= 2 ? parameter.shape[1]
                : named.TryGetValue(owner + ".weight", out var weight) ? weight.shape[1] : 0;
            var values = fanIn > 0
                ? torch.rand(parameter.shape, generator: generator).mul(2).sub(1).mul(1 / Math.Sqrt(fanIn))
                : torch.randn(parameter.shape, generator: generator).mul(0.02);
            parameter.copy_(values);
        }
    }
}

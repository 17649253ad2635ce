using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>
/// A bottleneck adapter on a decoder layer's feed-forward block: <c>adapter_up(act(adapter_down(u)))</c> added to the
/// block's output. Serial (Pfeiffer, the <c>adapters</c> library's <c>seq_bn</c>): u is the block's output h, so
/// <c>y = h + up(act(down(h)))</c>. Parallel (He et al.): u is the block's input x, so
/// <c>y = mlp(x) + up(act(down(x)))</c>. Both projections have biases; weights start normal(0, 0.02) and biases zero,
/// the library's default ("bert") initialisation.
/// </summary>
public sealed class BottleneckAdapter : BlockAdapter
{
    /// <summary>The library's default: bottleneck = hidden / 16.</summary>
    public const int DefaultReductionFactor = 16;

    /// <summary>Non-linearities between the two projections.</summary>
    public static IReadOnlyList<string> NonLinearities { get; } = ["relu", "silu", "gelu", "tanh"];

    private readonly Linear adapter_down;
    private readonly Linear adapter_up;

    /// <param name="hiddenSize">Width of the feed-forward output the adapter reads and writes.</param>
    /// <param name="bottleneckSize">Width of the bottleneck (hidden / reduction factor).</param>
    /// <param name="nonLinearity">One of <see cref="NonLinearities"/>.</param>
    /// <param name="seed">Seed for a private generator; null draws from torch's global generator.</param>
    /// <param name="placement">Sequential reads the block's output (Pfeiffer); parallel reads its input.</param>
    public BottleneckAdapter(int hiddenSize, int bottleneckSize, string nonLinearity = "relu", long? seed = null,
        ScalarType dtype = ScalarType.Float32, Device? device = null, AdapterPlacement placement = AdapterPlacement.Sequential)
        : base(nameof(BottleneckAdapter), hiddenSize)
    {
        if (hiddenSize < 1) throw new TtLoraException($"bottleneck adapter: hidden size must be positive, got {hiddenSize}");
        if (bottleneckSize < 1) throw new TtLoraException($"bottleneck adapter: bottleneck size must be at least 1, got {bottleneckSize}");
        if (!NonLinearities.Contains(nonLinearity))
            throw new TtLoraException($"bottleneck adapter: non_linearity \"{nonLinearity}\" is not one of {string.Join(", ", NonLinearities)}");
        BottleneckSize = bottleneckSize;
        Placement = placement;
        NonLinearity = nonLinearity;
        adapter_down = nn.Linear(hiddenSize, bottleneckSize, hasBias: true, device: device, dtype: dtype);
        adapter_up = nn.Linear(bottleneckSize, hiddenSize, hasBias: true, device: device, dtype: dtype);
        Initialize(seed);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override AdapterKind Kind => Placement == AdapterPlacement.Parallel ? ParallelKind.Instance : BottleneckKind.Instance;

    /// <inheritdoc/>
    public override AdapterPlacement Placement { get; }

    /// <summary><c>adapter_down.weight</c> <c>[b, hidden]</c>.</summary>
    public Parameter DownWeight => adapter_down.weight!;

    /// <summary><c>adapter_down.bias</c> <c>[b]</c>.</summary>
    public Parameter DownBias => adapter_down.bias!;

    /// <summary><c>adapter_up.weight</c> <c>[hidden, b]</c>.</summary>
    public Parameter UpWeight => adapter_up.weight!;

    /// <summary><c>adapter_up.bias</c> <c>[hidden]</c>.</summary>
    public Parameter UpBias => adapter_up.bias!;

    /// <summary>Width of the bottleneck.</summary>
    public int BottleneckSize { get; }

    /// <summary>Activation between the projections.</summary>
    public string NonLinearity { get; }

    /// <summary>Parameters per adapter: down and up projections with biases.</summary>
    public static long CountParameters(int hiddenSize, int bottleneckSize) =>
        FileShapes(hiddenSize, bottleneckSize).Sum(p => p.Shape.Aggregate(1L, (a, b) => a * b));

    /// <summary>The tensors a file holds for one adapter, in file order.</summary>
    public static IReadOnlyList<(string Name, long[] Shape)> FileShapes(int hiddenSize, int bottleneckSize) =>
    [
        ("adapter_down.weight", [bottleneckSize, hiddenSize]), ("adapter_down.bias", [bottleneckSize]),
        ("adapter_up.weight", [hiddenSize, bottleneckSize]), ("adapter_up.bias", [hiddenSize]),
    ];

    /// <summary>One of <see cref="NonLinearities"/> applied to <paramref name="x"/>.</summary>
    public static Tensor Activate(string nonLinearity, Tensor x) => nonLinearity switch
    {
        "relu" => nn.functional.relu(x),
        "silu" => nn.functional.silu(x),
        "gelu" => nn.functional.gelu(x),
        "tanh" => torch.tanh(x),
        _ => throw new TtLoraException($"non_linearity \"{nonLinearity}\" is not one of {string.Join(", ", NonLinearities)}"),
    };

    /// <inheritdoc/>
    public override Tensor forward(Tensor u)
    {
        using var scope = NewDisposeScope();
        return adapter_up.call(Activate(NonLinearity, adapter_down.call(u))).MoveToOuterDisposeScope();
    }

    private void Initialize(long? seed)
    {
        using var noGrad = torch.no_grad();
        using var generator = seed is null ? null : new Generator(unchecked((ulong)seed.Value));
        foreach (var linear in new[] { adapter_down, adapter_up })
        {
            using var values = torch.normal(0, 0.02, linear.weight!.shape, generator: generator, dtype: ScalarType.Float32);
            linear.weight!.copy_(values);
            linear.bias!.zero_();
        }
    }
}

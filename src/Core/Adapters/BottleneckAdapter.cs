using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>
/// The Pfeiffer bottleneck adapter (the <c>adapters</c> library's <c>seq_bn</c>) on a decoder layer's feed-forward
/// output h: <c>h + adapter_up(act(adapter_down(h)))</c>. Both projections have biases; weights start
/// normal(0, 0.02) and biases zero, the library's default ("bert") initialisation.
/// </summary>
public sealed class BottleneckAdapter : Adapter
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
    public BottleneckAdapter(int hiddenSize, int bottleneckSize, string nonLinearity = "relu", long? seed = null,
        ScalarType dtype = ScalarType.Float32, Device? device = null) : base(nameof(BottleneckAdapter))
    {
        if (hiddenSize < 1) throw new TtLoraException($"bottleneck adapter: hidden size must be positive, got {hiddenSize}");
        if (bottleneckSize < 1) throw new TtLoraException($"bottleneck adapter: bottleneck size must be at least 1, got {bottleneckSize}");
        if (!NonLinearities.Contains(nonLinearity))
            throw new TtLoraException($"bottleneck adapter: non_linearity \"{nonLinearity}\" is not one of {string.Join(", ", NonLinearities)}");
        HiddenSize = hiddenSize;
        BottleneckSize = bottleneckSize;
        NonLinearity = nonLinearity;
        adapter_down = nn.Linear(hiddenSize, bottleneckSize, hasBias: true, device: device, dtype: dtype);
        adapter_up = nn.Linear(bottleneckSize, hiddenSize, hasBias: true, device: device, dtype: dtype);
        Initialize(seed);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override AdapterKind Kind => AdapterKind.Bottleneck;

    /// <inheritdoc/>
    public override AdapterPlacement Placement => AdapterPlacement.Sequential;

    /// <summary>Width read and written.</summary>
    public int HiddenSize { get; }

    /// <summary>Width of the bottleneck.</summary>
    public int BottleneckSize { get; }

    /// <summary>Activation between the projections.</summary>
    public string NonLinearity { get; }

    /// <summary>Parameters per adapter: down and up projections with biases.</summary>
    public static long CountParameters(int hiddenSize, int bottleneckSize) =>
        (long)hiddenSize * bottleneckSize + bottleneckSize + (long)bottleneckSize * hiddenSize + hiddenSize;

    /// <inheritdoc/>
    public override Tensor forward(Tensor h)
    {
        using var scope = NewDisposeScope();
        var down = adapter_down.call(h);
        var activated = NonLinearity switch
        {
            "relu" => nn.functional.relu(down),
            "silu" => nn.functional.silu(down),
            "gelu" => nn.functional.gelu(down),
            _ => torch.tanh(down),
        };
        return adapter_up.call(activated).MoveToOuterDisposeScope();
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

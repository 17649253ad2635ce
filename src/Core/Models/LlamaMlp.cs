using TorchSharp;
using static TorchSharp.torch;

namespace TtLora.Core.Models;

/// <summary>SwiGLU feed-forward: down(silu(gate(x)) * up(x)).</summary>
public sealed class LlamaMlp : nn.Module<Tensor, Tensor>
{
    private nn.Module<Tensor, Tensor> gate_proj;
    private nn.Module<Tensor, Tensor> up_proj;
    private nn.Module<Tensor, Tensor> down_proj;

    public LlamaMlp(LlamaConfig config, Device? device, ScalarType dtype) : base("LlamaMlp")
    {
        gate_proj = nn.Linear(config.HiddenSize, config.IntermediateSize, config.MlpBias, device, dtype);
        up_proj = nn.Linear(config.HiddenSize, config.IntermediateSize, config.MlpBias, device, dtype);
        down_proj = nn.Linear(config.IntermediateSize, config.HiddenSize, config.MlpBias, device, dtype);
        RegisterComponents();
    }

    /// <summary>Names of the projection slots, as Hugging Face names them.</summary>
    public static IReadOnlyList<string> ProjectionNames { get; } = ["gate_proj", "up_proj", "down_proj"];

    /// <summary>The module in a projection slot: a Linear, or an adapter wrapper around one.</summary>
    public nn.Module<Tensor, Tensor> Projection(string name) => Slot(name);

    /// <summary>
    /// Puts <paramref name="replacement"/> into a projection slot (e.g. an adapter wrapping the sealed Linear)
    /// and returns the module it replaces, which the caller now owns.
    /// </summary>
    public nn.Module<Tensor, Tensor> ReplaceProjection(string name, nn.Module<Tensor, Tensor> replacement)
    {
        ref var slot = ref Slot(name);
        var previous = slot;
        register_module(name, null!); // a null module unregisters the name
        register_module(name, replacement);
        slot = replacement;
        return previous;
    }

    ref nn.Module<Tensor, Tensor> Slot(string name)
    {
        switch (name)
        {
            case "gate_proj": return ref gate_proj;
            case "up_proj": return ref up_proj;
            case "down_proj": return ref down_proj;
            default: throw new ArgumentException($"no projection named \"{name}\"; expected one of {string.Join(", ", ProjectionNames)}", nameof(name));
        }
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.silu(gate_proj.call(x)) * up_proj.call(x);
        return down_proj.call(h).MoveToOuterDisposeScope();
    }
}

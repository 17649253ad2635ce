using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TtLora.Core.Models;

/// <summary>
/// Root-mean-square layer norm as Llama defines it: normalise in float32 whatever the model dtype,
/// cast back, then scale (the cast happens before the weight multiply, as in Hugging Face).
/// </summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly double eps;

    public RmsNorm(long size, double eps, Device? device = null, ScalarType dtype = ScalarType.Float32) : base("RmsNorm")
    {
        weight = new Parameter(torch.ones(size, dtype: dtype, device: device));
        this.eps = eps;
        RegisterComponents();
    }

    public Parameter Weight => weight;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var dtype = x.dtype;
        var h = x.to(ScalarType.Float32);
        var variance = h.pow(2).mean([-1], keepdim: true);
        h = h * torch.rsqrt(variance + eps);
        return (weight * h.to(dtype)).MoveToOuterDisposeScope();
    }
}

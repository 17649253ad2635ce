using static TorchSharp.torch;

namespace TtLora.Core.Models;

/// <summary>Random initialisation as transformers' LlamaPreTrainedModel does it: normal(0, 0.02) weights, zero biases, unit norms.</summary>
public static class LlamaInitializer
{
    public static void Initialize(nn.Module model, long seed, double std = 0.02)
    {
        using var noGrad = torch.no_grad();
        var generator = new Generator((ulong)seed);
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (name.EndsWith("norm.weight", StringComparison.Ordinal))
                parameter.fill_(1.0);
            else if (name.EndsWith(".bias", StringComparison.Ordinal))
                parameter.zero_();
            else
            {
                using var values = torch.normal(0, std, parameter.shape, generator: generator, dtype: ScalarType.Float32);
                parameter.copy_(values);
            }
        }
    }
}

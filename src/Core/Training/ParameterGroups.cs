using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TtLora.Core.Training;

/// <summary>
/// Builds the optimizer for a set of named trainable parameters, optionally in two groups: weight decay on matrices,
/// none on biases and other 1-D tensors (the common AdamW recipe, MoA's among them).
/// </summary>
public static class ParameterGroups
{
    /// <param name="parameters">The trainable parameters with their names.</param>
    /// <param name="optimizer">"adam" or "adamw".</param>
    /// <param name="betas">Adam's (beta1, beta2); PyTorch's default is (0.9, 0.999).</param>
    /// <param name="decayOneDimensional">False exempts biases and 1-D tensors from weight decay.</param>
    public static optim.Optimizer CreateOptimizer(IReadOnlyList<(string Name, Parameter Parameter)> parameters, string optimizer, double learningRate,
        double weightDecay, (double Beta1, double Beta2) betas, bool decayOneDimensional = true)
    {
        var decayed = parameters.Where(p => decayOneDimensional || p.Parameter.dim() > 1).Select(p => p.Parameter).ToList();
        var exempt = parameters.Where(p => !decayOneDimensional && p.Parameter.dim() <= 1).Select(p => p.Parameter).ToList();
        if (exempt.Count == 0)
        {
            return optimizer switch
            {
                "adamw" => optim.AdamW(decayed, learningRate, betas.Beta1, betas.Beta2, weight_decay: weightDecay),
                "adam" => optim.Adam(decayed, learningRate, betas.Beta1, betas.Beta2, weight_decay: weightDecay),
                _ => throw new TtLoraException($"--optimizer: expected adam or adamw, got \"{optimizer}\""),
            };
        }
        return optimizer switch
        {
            "adamw" => optim.AdamW(
                [new AdamW.ParamGroup(decayed, new AdamW.Options { weight_decay = weightDecay }), new AdamW.ParamGroup(exempt, new AdamW.Options { weight_decay = 0 })],
                learningRate, betas.Beta1, betas.Beta2, weight_decay: weightDecay),
            "adam" => optim.Adam(
                [new Adam.ParamGroup(decayed, new Adam.Options { weight_decay = weightDecay }), new Adam.ParamGroup(exempt, new Adam.Options { weight_decay = 0 })],
                learningRate, betas.Beta1, betas.Beta2, weight_decay: weightDecay),
            _ => throw new TtLoraException($"--optimizer: expected adam or adamw, got \"{optimizer}\""),
        };
    }
}

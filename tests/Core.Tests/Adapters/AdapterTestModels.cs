using System.Runtime.CompilerServices;
using TtLora.Core.Models;

namespace TtLora.Core.Tests.Adapters;

/// <summary>Tiny models and inputs for adapter tests.</summary>
internal static class AdapterTestModels
{
    public static LlamaConfig Config => TestModels.Tiny();

    public static LlamaForSequenceClassification Classifier(long seed = 0, int labels = 3)
    {
        var model = new LlamaForSequenceClassification(Config, labels);
        LlamaInitializer.Initialize(model, seed, std: 0.2);
        model.eval();
        return model;
    }

    public static LlamaForCausalLM CausalLM(long seed = 0) => TestModels.CausalLM(Config, seed);

    public static Tensor Ids(long seed = 7) => TestModels.RandomIds(2, 5, Config.VocabSize, seed);

    /// <summary>The published LLaMA-3.2-1B config.json kept in tests/fixtures/models.</summary>
    public static string Llama32_1BConfigPath([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "fixtures", "models", "llama-3.2-1b", "config.json");

    public static Tensor Logits(LlamaForSequenceClassification model, Tensor ids)
    {
        using var noGrad = torch.no_grad();
        return model.Forward(ids);
    }

    public static Tensor Logits(LlamaForCausalLM model, Tensor ids)
    {
        using var noGrad = torch.no_grad();
        return model.Forward(ids);
    }

    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        using var diff = (a - b).abs().max();
        return diff.item<float>();
    }

    /// <summary>Gives every adapter parameter of a module tree random values so deltas are non-zero.</summary>
    public static void Randomize(IEnumerable<TorchSharp.Modules.Parameter> parameters, long seed, double std = 0.1)
    {
        using var noGrad = torch.no_grad();
        var generator = new torch.Generator((ulong)seed);
        foreach (var p in parameters)
        {
            using var values = torch.normal(0, std, p.shape, generator: generator, dtype: p.dtype);
            p.copy_(values);
        }
    }
}

using TtLora.Core.Tokenizers;
using static TorchSharp.torch;

namespace TtLora.Core.Models;

/// <summary>Writes a randomly initialised causal LM checkpoint folder, optionally with a tokenizer sized to it.</summary>
public static class RandomCheckpoint
{
    public static void Create(string dir, LlamaConfig config, string? tokenizerPath, long seed, ScalarType dtype = ScalarType.Float32)
    {
        if (tokenizerPath is not null)
        {
            var tokenizer = HfTokenizer.FromPath(tokenizerPath);
            config = config with
            {
                VocabSize = tokenizer.VocabSize,
                BosTokenId = tokenizer.BosId ?? config.BosTokenId,
                EosTokenIds = tokenizer.EosId is int eos ? [eos] : config.EosTokenIds,
                PadTokenId = tokenizer.EosId ?? config.PadTokenId,
            };
        }
        torch.manual_seed(seed);
        using var model = new LlamaForCausalLM(config.Validated("--config"));
        LlamaInitializer.Initialize(model, seed);
        LlamaCheckpoint.Save(model, dir, dtype);
        if (tokenizerPath is not null)
        {
            string source = Directory.Exists(tokenizerPath) ? Path.Combine(tokenizerPath, "tokenizer.json") : tokenizerPath;
            AtomicFile.WriteAllBytes(Path.Combine(dir, "tokenizer.json"), File.ReadAllBytes(source));
        }
    }
}

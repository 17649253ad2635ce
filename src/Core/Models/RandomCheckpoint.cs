using TtLora.Core.Tokenizers;
using static TorchSharp.torch;

namespace TtLora.Core.Models;

/// <summary>
/// Writes a randomly initialised causal LM checkpoint folder, optionally with a tokenizer sized to it. The folder is
/// written whole: an existing one is replaced in one swap, never left half old and half new.
/// </summary>
public static class RandomCheckpoint
{
    /// <summary>
    /// The model is built directly in <paramref name="dtype"/> (initial values drawn in float32 and rounded, as a cast
    /// would), so writing a bfloat16 checkpoint needs about its own size in memory, not a float32 copy as well.
    /// Weights are split into shards of at most <paramref name="maxShardBytes"/>, as the Hub's checkpoints are.
    /// </summary>
    public static void Create(string dir, LlamaConfig config, string? tokenizerPath, long seed, ScalarType dtype = ScalarType.Float32,
        long maxShardBytes = LlamaCheckpoint.DefaultMaxShardBytes)
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
        config.Validated("--config").EnsureFitsInMemory("--config", dtype is ScalarType.Float32 ? 4 : 2);
        AtomicFolder.EnsureWritable(dir, "--out");
        using var claim = FolderClaim.Acquire(dir, $"model folder {dir}");
        torch.manual_seed(seed);
        using var model = new LlamaForCausalLM(config, dtype: dtype);
        LlamaInitializer.Initialize(model, seed);
        // Config, weights and tokenizer are swapped in together: an older folder's files never mix with these.
        claim.Write(staging =>
        {
            LlamaCheckpoint.Save(model, staging, dtype, maxShardBytes);
            if (tokenizerPath is not null)
            {
                string source = Directory.Exists(tokenizerPath) ? Path.Combine(tokenizerPath, "tokenizer.json") : tokenizerPath;
                AtomicFile.WriteAllBytes(Path.Combine(staging, "tokenizer.json"), File.ReadAllBytes(source));
            }
        });
    }
}

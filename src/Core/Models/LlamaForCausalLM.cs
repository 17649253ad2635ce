using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TtLora.Core.Models;

/// <summary>
/// Llama with a language-model head (Hugging Face's LlamaForCausalLM). With tied embeddings there is no
/// <c>lm_head</c> module: logits use the embedding matrix, and no <c>lm_head.weight</c> key exists.
/// </summary>
public sealed class LlamaForCausalLM : nn.Module, ILlamaWithHead
{
    private LlamaModel model;
    private Linear? lm_head;

    public LlamaForCausalLM(LlamaConfig config, Device? device = null, ScalarType dtype = ScalarType.Float32) : base("LlamaForCausalLM")
    {
        model = new LlamaModel(config, device, dtype);
        if (!config.TieWordEmbeddings)
            lm_head = nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false, device, dtype);
        RegisterComponents();
    }

    public LlamaConfig Config => model.Config;
    public LlamaModel Model => model;

    /// <summary>Logits [B, S, vocab] in the model's dtype.</summary>
    public Tensor Forward(Tensor inputIds, Tensor? attentionMask = null, Tensor? positionIds = null, KvCache? cache = null)
    {
        using var scope = NewDisposeScope();
        var hidden = model.Forward(inputIds, attentionMask, positionIds, cache);
        return Logits(hidden).MoveToOuterDisposeScope();
    }

    Tensor Logits(Tensor hidden) =>
        lm_head is null ? nn.functional.linear(hidden, model.EmbedTokens.weight!) : lm_head.call(hidden);

    /// <summary>
    /// Greedy decoding with a key/value cache: the prompt is processed once, then one token per step.
    /// Stops at <paramref name="maxNewTokens"/> or when a stop token (default: the config's EOS ids) is produced;
    /// the stop token is included in the result.
    /// </summary>
    public IReadOnlyList<long> GenerateGreedy(IReadOnlyList<long> promptIds, int maxNewTokens,
        IReadOnlyCollection<long>? stopIds = null, CancellationToken cancellation = default)
    {
        if (promptIds.Count == 0) throw new TtLoraException("generate: the prompt has no tokens (a tokenizer without BOS and an empty prompt)");
        if (maxNewTokens < 0) throw new TtLoraException("--max-new-tokens must be zero or positive");
        stopIds ??= Config.EosTokenIds.Select(i => (long)i).ToArray();
        var device = model.EmbedTokens.weight!.device;
        var generated = new List<long>();
        using var noGrad = torch.no_grad();
        using var cache = new KvCache(Config.NumHiddenLayers);
        var next = promptIds.ToArray();
        for (int step = 0; step < maxNewTokens; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var ids = torch.tensor(next, dtype: ScalarType.Int64, device: device).unsqueeze(0);
            var hidden = model.Forward(ids, null, null, cache);
            var logits = Logits(hidden.narrow(1, hidden.shape[1] - 1, 1));
            long token = logits.argmax(-1).item<long>();
            generated.Add(token);
            if (stopIds.Contains(token)) break;
            next = [token];
        }
        return generated;
    }
}

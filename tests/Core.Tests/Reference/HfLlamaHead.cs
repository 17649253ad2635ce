namespace TtLora.Core.Tests.Reference;

/// <summary>Which Hugging Face head the reference applies on top of the Llama body.</summary>
public enum HfLlamaHead
{
    /// <summary><c>LlamaForCausalLM</c>: logits [batch, seq, vocab] from <c>lm_head</c> (or tied embeddings).</summary>
    Causal,

    /// <summary><c>LlamaForSequenceClassification</c>: logits [batch, labels] from <c>score</c> at the last non-pad token.</summary>
    Classification,
}

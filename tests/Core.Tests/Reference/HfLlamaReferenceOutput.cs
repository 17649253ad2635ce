namespace TtLora.Core.Tests.Reference;

/// <summary>What one reference forward pass returns; arrays are row-major float32.</summary>
/// <param name="Logits">Causal: [batch, seq, vocab]; classification: [batch, labels].</param>
/// <param name="LogitsShape">Shape of <paramref name="Logits"/>.</param>
/// <param name="Hidden">Final-normed hidden states [batch, seq, hidden] when requested, else null.</param>
/// <param name="HiddenShape">Shape of <paramref name="Hidden"/> when requested, else null.</param>
/// <param name="PooledTokenIndex">Classification only: the position each row was pooled at.</param>
public sealed record HfLlamaReferenceOutput(
    float[] Logits,
    long[] LogitsShape,
    float[]? Hidden,
    long[]? HiddenShape,
    long[]? PooledTokenIndex);

namespace TtLora.Core.TensorTrains;

/// <summary>
/// The two knobs of <see cref="TtShapePlanner"/> as the TT-LoRA papers chose them for one model family:
/// how many modes the larger side of a layer is split into, and the largest factor the greedy pass takes.
/// </summary>
/// <param name="Model">Human-readable model name.</param>
/// <param name="Modes">Number of modes for the larger of in/out features.</param>
/// <param name="MaxFactor">Largest factor the greedy pass takes (the size of the boundary mode).</param>
public sealed record TtPlanPreset(string Model, int Modes, int MaxFactor)
{
    /// <summary>LLaMA-3.2-1B (hidden 2048): q <c>[16,8,4,4,4,4,8,16]</c>, v <c>[16,16,4,2,2,16,16]</c>.</summary>
    public static readonly TtPlanPreset Llama32_1B = new("LLaMA-3.2-1B", 4, 16);

    /// <summary>LLaMA-3.2-3B (hidden 3072): q <c>[16,4,4,3,2,2,2,2,3,4,4,16]</c>.</summary>
    public static readonly TtPlanPreset Llama32_3B = new("LLaMA-3.2-3B", 6, 16);

    /// <summary>LLaMA-3.1-8B (hidden 4096): q <c>[16,4,4,4,2,2,2,2,4,4,4,16]</c>, v <c>[16,4,4,4,2,2,2,2,4,4,16]</c>.</summary>
    public static readonly TtPlanPreset Llama31_8B = new("LLaMA-3.1-8B", 6, 16);

    /// <summary>RoBERTa-base (hidden 768): <c>[64,4,3,3,4,64]</c>.</summary>
    public static readonly TtPlanPreset RobertaBase = new("RoBERTa-base", 3, 64);

    /// <summary>Every preset above, in the order listed.</summary>
    public static IReadOnlyList<TtPlanPreset> All { get; } = [Llama32_1B, Llama32_3B, Llama31_8B, RobertaBase];
}

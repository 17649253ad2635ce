namespace TtLora.Core.Adapters;

/// <summary>An expert's adapter as its files hold it: one entry per kind of module, and the trained head if it has one.</summary>
/// <param name="PeftType">The config's peft_type (TTLORA, LORA, BOTTLENECK).</param>
/// <param name="Layer">The one layer selected, or null for every adapted layer.</param>
/// <param name="HeadShape">The saved classification head's shape <c>[labels, hidden]</c>, or null when the head stayed frozen.</param>
public sealed record AdapterDetails(string PeftType, int? Layer, IReadOnlyList<ModuleDetails> Modules, long[]? HeadShape)
{
    /// <summary>Adapter values over the modules and layers shown.</summary>
    public long AdapterParameters => Modules.Sum(m => m.TotalParameters);

    /// <summary>Values in the saved head (0 when there is none).</summary>
    public long HeadParameters => HeadShape is null ? 0 : HeadShape.Aggregate(1L, (a, b) => a * b);
}

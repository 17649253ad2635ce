namespace TtLora.Core.Adapters;

/// <summary>The kinds of adapter the framework builds; each has its own file format (<c>peft_type</c>).</summary>
public enum AdapterKind
{
    /// <summary>LoRA: <c>y = W0 x + (alpha / r) B A x</c> (PEFT's <c>LORA</c>).</summary>
    Lora,

    /// <summary>TT-LoRA: <c>y = W0 x + alpha TT(x)</c>, the update a tensor train (<c>TTLORA</c>).</summary>
    TtLora,

    /// <summary>Pfeiffer bottleneck adapter after the feed-forward block (<c>BOTTLENECK</c>).</summary>
    Bottleneck,
}

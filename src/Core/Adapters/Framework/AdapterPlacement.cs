namespace TtLora.Core.Adapters;

/// <summary>Where an adapter reads its input relative to the module it is attached to.</summary>
public enum AdapterPlacement
{
    /// <summary>On the module's input, added to its output: <c>y = f(x) + adapter(x)</c> (LoRA, TT-LoRA, parallel adapters).</summary>
    Parallel,

    /// <summary>On the module's output, with its own residual: <c>y = f(x) + adapter(f(x))</c> (Pfeiffer bottleneck).</summary>
    Sequential,
}

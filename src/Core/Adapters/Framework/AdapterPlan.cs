namespace TtLora.Core.Adapters;

/// <summary>The parameter budget of an adapter config on a model, computed from the configs alone.</summary>
/// <param name="Kind">Adapter family.</param>
/// <param name="Modules">One row per module name (and per distinct shape, if layers differ).</param>
/// <param name="AdapterParameters">Trainable values in all adapters.</param>
/// <param name="HeadParameters">Trainable values in the classification head (0 unless it is trained).</param>
/// <param name="TrainableParameters">Adapters plus head.</param>
/// <param name="BaseParameters">Values in the base model (decoder, embeddings, untied LM head or classification head).</param>
public sealed record AdapterPlan(
    AdapterKind Kind,
    IReadOnlyList<ModulePlan> Modules,
    long AdapterParameters,
    long HeadParameters,
    long TrainableParameters,
    long BaseParameters)
{
    /// <summary>Trainable values as a percentage of the base model's.</summary>
    public double TrainablePercent => BaseParameters == 0 ? 0 : 100.0 * TrainableParameters / BaseParameters;

    /// <summary>One entry per module: "q_proj 64->64 tt [4,4,4]x[4,4,4] r=5 (16 layers)".</summary>
    public string Describe() => string.Join("; ", Modules.Select(m =>
        $"{m.Module} {m.InFeatures}->{m.OutFeatures} {m.Details?.Summary(m.Rank) ?? $"r={m.Rank}"} ({m.Layers.Count} layers)"));
}

/// <summary>The adapters on one kind of module.</summary>
/// <param name="Module">Module name, e.g. <c>q_proj</c> or <c>mlp</c>.</param>
/// <param name="InFeatures">Input width.</param>
/// <param name="OutFeatures">Output width.</param>
/// <param name="Layers">Decoder layers that carry it.</param>
/// <param name="ParametersPerLayer">Values in one adapter.</param>
/// <param name="TotalParameters">Values over all its layers.</param>
/// <param name="Rank">LoRA r or TT bridge rank; the bottleneck width for block adapters.</param>
/// <param name="Details">What the kind adds (TT-LoRA: its shapes), or null.</param>
public sealed record ModulePlan(
    string Module,
    int InFeatures,
    int OutFeatures,
    IReadOnlyList<int> Layers,
    long ParametersPerLayer,
    long TotalParameters,
    int Rank,
    PlanDetails? Details);

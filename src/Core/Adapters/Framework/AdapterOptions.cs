namespace TtLora.Core.Adapters;

/// <summary>
/// What a command line says about an adapter (<c>train</c>, <c>plan</c>); each kind turns it into its config and
/// ignores what does not apply to it. Null means the kind's default.
/// </summary>
public sealed record AdapterOptions
{
    /// <summary>TT rank, LoRA rank; for block adapters the bottleneck width.</summary>
    public int? Rank { get; init; }

    /// <summary>TT-LoRA's multiplier, LoRA's alpha (scaling alpha / r).</summary>
    public double? Alpha { get; init; }

    /// <summary>Module names to adapt (Linear kinds).</summary>
    public IReadOnlyList<string>? Targets { get; init; }

    /// <summary>Decoder layers to adapt (null: all).</summary>
    public IReadOnlyList<int>? Layers { get; init; }

    /// <summary>Save the classification head with the adapter (modules_to_save <c>["score"]</c>), as every expert does.</summary>
    public bool SaveHead { get; init; }

    /// <summary>TT-LoRA input factors per module name (<c>plan --input-factors</c>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<int>>? InputFactors { get; init; }

    /// <summary>TT-LoRA output factors per module name (<c>plan --output-factors</c>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<int>>? OutputFactors { get; init; }

    /// <summary>MoLA's experts per layer (<see cref="ExpertAllocation"/>).</summary>
    public string? Allocation { get; init; }

    /// <summary>MoLA's experts per token: one number or one per layer.</summary>
    public string? TopK { get; init; }

    /// <summary>Refuses settings of other kinds (TT factors, a MoLA allocation) rather than ignoring them.</summary>
    public void RejectFactors(AdapterKind kind)
    {
        if (kind != TtLoraKind.Instance && (InputFactors is { Count: > 0 } || OutputFactors is { Count: > 0 }))
            throw new TtLoraException($"--input-factors and --output-factors give tensor-train shapes; a {kind.Name} adapter has none");
        if (kind != MolaKind.Instance && (Allocation is not null || TopK is not null))
            throw new TtLoraException($"--allocation and --top-k place routed experts; a {kind.Name} adapter has none");
    }

    /// <summary>modules_to_save for these options.</summary>
    internal IReadOnlyList<string>? ModulesToSave => SaveHead ? [AdapterConfig.HeadModule] : null;
}

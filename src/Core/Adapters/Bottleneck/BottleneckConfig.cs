using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>
/// Pfeiffer bottleneck adapter settings (<c>peft_type</c> "BOTTLENECK", this project's format): one adapter after
/// the feed-forward block of each selected decoder layer, bottleneck width hidden / reduction_factor. The parallel
/// kind (<see cref="ParallelConfig"/>) shares these settings and places the adapter beside the block instead.
/// </summary>
public record BottleneckConfig : AdapterConfig
{
    /// <summary>The peft_type.</summary>
    public const string Type = "BOTTLENECK";

    public BottleneckConfig()
    {
        TargetModules = [LlamaAdapterSites.MlpBlock];
    }

    /// <inheritdoc/>
    public override AdapterKind Kind => BottleneckKind.Instance;

    /// <summary>Whether the adapter reads the block's output (serial) or its input (parallel).</summary>
    public virtual AdapterPlacement Placement => AdapterPlacement.Sequential;

    /// <summary>The placement as the file writes it.</summary>
    internal virtual string PlacementName => "mlp_output";

    /// <summary>hidden / reduction_factor is the bottleneck width (the library's 16).</summary>
    public int ReductionFactor { get; init; } = BottleneckAdapter.DefaultReductionFactor;

    /// <summary>An explicit bottleneck width; overrides <see cref="ReductionFactor"/>.</summary>
    public int? BottleneckSize { get; init; }

    /// <summary>Activation between the projections.</summary>
    public string NonLinearity { get; init; } = "relu";

    /// <summary>The hidden size of the model the adapter was made for (written on save, checked on load).</summary>
    public int? HiddenSize { get; init; }

    /// <summary>The bottleneck width for a hidden size.</summary>
    public int SizeFor(int hiddenSize)
    {
        int size = BottleneckSize ?? hiddenSize / ReductionFactor;
        if (size < 1)
            throw new TtLoraException($"bottleneck: hidden size {hiddenSize} / reduction_factor {ReductionFactor} leaves no bottleneck; give a smaller reduction factor or bottleneck_size");
        return size;
    }

    /// <inheritdoc/>
    public override void Validate(string source)
    {
        base.Validate(source);
        if (ReductionFactor < 1) throw TtLoraException.InFile(source, $"field \"reduction_factor\" is {ReductionFactor}; it must be at least 1");
        if (BottleneckSize is < 1) throw TtLoraException.InFile(source, $"field \"bottleneck_size\" is {BottleneckSize}; the bottleneck needs at least 1 unit");
        if (!BottleneckAdapter.NonLinearities.Contains(NonLinearity))
            throw TtLoraException.InFile(source, $"field \"non_linearity\" is \"{NonLinearity}\"; expected one of {string.Join(", ", BottleneckAdapter.NonLinearities)}");
    }

    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, long[] Shape)> ParameterShapes(AdapterSite site, string target) =>
        BottleneckAdapter.FileShapes(site.OutFeatures, SizeFor(site.OutFeatures));

    /// <inheritdoc/>
    public override IReadOnlyList<string> ParameterNames(string moduleName, int layer, string target) => [.. BottleneckAdapter.FileShapes(1, 1).Select(p => p.Name)];

    /// <inheritdoc/>
    public override Adapter CreateAdapter(AdapterSite site, string target, long? seed, ScalarType dtype, Device? device) =>
        new BottleneckAdapter(site.OutFeatures, SizeFor(site.OutFeatures), NonLinearity, seed, dtype, device, Placement);

    /// <inheritdoc/>
    public override int PlanRank(AdapterSite site, string target) => SizeFor(site.OutFeatures);

    /// <inheritdoc/>
    public override int? TrainedHiddenSize => HiddenSize;

    /// <summary>Records the width, the non-linearity and the hidden size, which must be the same in every layer.</summary>
    public override AdapterConfig CompleteFrom(IReadOnlyList<(AdapterSite Site, Adapter Adapter)> attached, Models.LlamaConfig model)
    {
        var first = (BottleneckAdapter)attached[0].Adapter;
        if (attached.Select(a => (BottleneckAdapter)a.Adapter).Any(a => a.BottleneckSize != first.BottleneckSize || a.NonLinearity != first.NonLinearity))
            throw new TtLoraException($"{Kind} adapters differ in width or non-linearity between layers; the file format keeps one of each");
        return this with { BottleneckSize = first.BottleneckSize, NonLinearity = first.NonLinearity, HiddenSize = model.HiddenSize };
    }

    /// <inheritdoc/>
    public override JsonObject ToJson()
    {
        var json = CommonJson();
        json["reduction_factor"] = ReductionFactor;
        json["bottleneck_size"] = BottleneckSize ?? (HiddenSize is int hidden ? SizeFor(hidden) : null);
        json["non_linearity"] = NonLinearity;
        json["placement"] = PlacementName;
        json["init_weights"] = "bert";
        json["hidden_size"] = HiddenSize;
        return json;
    }

    /// <summary>Reads the shared settings into <paramref name="empty"/>'s kind (serial or parallel).</summary>
    internal static BottleneckConfig FromJson(BottleneckConfig empty, JsonFields fields)
    {
        var placement = fields.String("placement") ?? empty.PlacementName;
        if (placement != empty.PlacementName)
            throw fields.Error("placement", $"is \"{placement}\"; a {empty.PeftType} adapter has \"{empty.PlacementName}\"");
        BottleneckConfig config = ReadCommon(empty, fields);
        return config with
        {
            ReductionFactor = fields.Int("reduction_factor") ?? BottleneckAdapter.DefaultReductionFactor,
            BottleneckSize = fields.Int("bottleneck_size"),
            NonLinearity = fields.String("non_linearity") ?? empty.NonLinearity,
            HiddenSize = fields.Int("hidden_size"),
        };
    }
}

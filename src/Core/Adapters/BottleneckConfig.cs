using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>
/// Pfeiffer bottleneck adapter settings (<c>peft_type</c> "BOTTLENECK", this project's format): one adapter after
/// the feed-forward block of each selected decoder layer, bottleneck width hidden / reduction_factor.
/// </summary>
public sealed record BottleneckConfig : AdapterConfig
{
    /// <summary>The peft_type.</summary>
    public const string Type = "BOTTLENECK";

    public BottleneckConfig()
    {
        TargetModules = [LlamaAdapterSites.MlpBlock];
    }

    /// <inheritdoc/>
    public override AdapterKind Kind => AdapterKind.Bottleneck;

    /// <inheritdoc/>
    public override string PeftType => Type;

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
    public override long ParameterCount(AdapterSite site, string target) =>
        BottleneckAdapter.CountParameters(site.OutFeatures, SizeFor(site.OutFeatures));

    /// <inheritdoc/>
    public override Adapter CreateAdapter(AdapterSite site, string target, long? seed, ScalarType dtype, Device? device) =>
        new BottleneckAdapter(site.OutFeatures, SizeFor(site.OutFeatures), NonLinearity, seed, dtype, device);

    /// <inheritdoc/>
    public override JsonObject ToJson()
    {
        var json = CommonJson();
        json["reduction_factor"] = ReductionFactor;
        json["bottleneck_size"] = BottleneckSize ?? (HiddenSize is int hidden ? SizeFor(hidden) : null);
        json["non_linearity"] = NonLinearity;
        json["placement"] = "mlp_output";
        json["init_weights"] = "bert";
        json["hidden_size"] = HiddenSize;
        return json;
    }

    internal static BottleneckConfig FromJson(JsonFields fields)
    {
        var placement = fields.String("placement") ?? "mlp_output";
        if (placement != "mlp_output") throw fields.Error("placement", $"is \"{placement}\"; only \"mlp_output\" is supported");
        var config = ReadCommon(new BottleneckConfig(), fields);
        return config with
        {
            ReductionFactor = fields.Int("reduction_factor") ?? BottleneckAdapter.DefaultReductionFactor,
            BottleneckSize = fields.Int("bottleneck_size"),
            NonLinearity = fields.String("non_linearity") ?? "relu",
            HiddenSize = fields.Int("hidden_size"),
        };
    }
}

using TtLora.Core.Routing;

namespace TtLora.Core.Adapters;

/// <summary>
/// One adapter family and everything the framework needs to know about it: its names, the sites it attaches to, how
/// its config is read from <c>adapter_config.json</c> and built from command-line options, its default learning
/// rate, how its stored tensors are described, and whether experts of this kind can share one mixed batch. Each
/// kind lives in its own folder (<c>Adapters/TtLora</c>, <c>Adapters/Lora</c>, ...) and is registered once, in
/// <see cref="AdapterKinds.All"/>; nothing else in the framework switches on kinds.
/// </summary>
public abstract class AdapterKind
{
    /// <summary>The name users type (<c>train --adapter tt-lora</c>) and registries record.</summary>
    public abstract string Name { get; }

    /// <summary>The <c>peft_type</c> of its config files.</summary>
    public abstract string PeftType { get; }

    /// <summary>One line for help texts.</summary>
    public abstract string Summary { get; }

    /// <summary>True when it attaches to Linear projections, false when to a whole feed-forward block.</summary>
    public abstract bool AttachesToLinear { get; }

    /// <summary>The learning rate stage one uses when none is given.</summary>
    public abstract double DefaultLearningRate { get; }

    /// <summary>The config for the options of <c>train</c> and <c>plan</c>.</summary>
    public abstract AdapterConfig FromOptions(AdapterOptions options);

    /// <summary>Reads an <c>adapter_config.json</c> of this kind (the shared fields through <see cref="AdapterConfig"/>'s reader).</summary>
    internal abstract AdapterConfig ReadConfig(JsonFields fields);

    /// <summary>
    /// The input and output features of a site, from the site's stored tensors and the config alone (no base model).
    /// Only called with tensors whose names <see cref="AdapterConfig.ParameterShapes"/> lists.
    /// </summary>
    public abstract (int In, int Out) FeaturesFromTensors(AdapterConfig config, string moduleName, string target, IReadOnlyDictionary<string, TorchSharp.torch.Tensor> tensors);

    /// <summary>Describes one kind of module's adapters (e.g. every layer's <c>q_proj</c>) from their checked tensors.</summary>
    public abstract IReadOnlyList<ModuleDetails> Describe(AdapterConfig config, IReadOnlyList<AdapterSiteTensors> sites);

    /// <summary>
    /// Collects the experts' adapters at one site into one module that applies row i's expert to row i, or null when
    /// this kind cannot be mixed per row.
    /// </summary>
    public virtual MixtureStack? CreateMixtureStack(AdapterSite site) => null;

    /// <inheritdoc/>
    public override string ToString() => Name;
}

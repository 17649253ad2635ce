using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>
/// A trainable module attached to a frozen module of the base model. <c>forward</c> returns only the
/// adapter's contribution; the wrapper (<see cref="AdaptedModule"/>) adds it to the base output.
/// </summary>
public abstract class Adapter : nn.Module<Tensor, Tensor>
{
    protected Adapter(string name) : base(name)
    {
    }

    /// <summary>Which adapter family this is (decides the file format).</summary>
    public abstract AdapterKind Kind { get; }

    /// <summary>Whether the adapter reads the wrapped module's input or its output.</summary>
    public abstract AdapterPlacement Placement { get; }

    /// <summary>Number of values in the adapter's parameters.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>
    /// The values files store, under the names they use relative to the adapted module (e.g. <c>lora_A.weight</c>,
    /// <c>tt_cores.0</c>), in file order: the parameters themselves or views of them (an adapter that stacks its
    /// experts in one parameter stores one tensor per expert). Loading copies into them. By default the module's own
    /// parameters and names.
    /// </summary>
    public virtual IReadOnlyList<(string Name, Tensor Value)> FileParameters() =>
        named_parameters().Select(p => (p.name, (Tensor)p.parameter)).ToArray();
}

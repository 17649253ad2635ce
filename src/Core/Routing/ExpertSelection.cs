using static TorchSharp.torch;

namespace TtLora.Core.Routing;

/// <summary>
/// Which expert each row of the current batch uses, shared by every mixed-expert module of one model. Set it before a
/// forward pass; with no selection the modules compute the base model's function.
/// </summary>
public sealed class ExpertSelection : IDisposable
{
    private Tensor? adapterIndex;

    /// <summary>Per-row expert slot <c>[batch]</c> (int64), or null while the experts are switched off.</summary>
    public Tensor? AdapterIndex => adapterIndex;

    /// <summary>Uses expert slot <c>indices[i]</c> for row i from now on (the tensor is copied).</summary>
    public void Select(Tensor indices)
    {
        if (indices.dim() != 1) throw new ArgumentException($"expert indices must be [batch], got [{string.Join(",", indices.shape)}]");
        Clear();
        adapterIndex = indices.to(ScalarType.Int64).detach().clone().DetachFromDisposeScope();
    }

    /// <summary>Switches the experts off: the modules compute the base function.</summary>
    public void Clear()
    {
        adapterIndex?.Dispose();
        adapterIndex = null;
    }

    public void Dispose() => Clear();
}

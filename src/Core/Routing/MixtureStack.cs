using TtLora.Core.Adapters;
using static TorchSharp.torch;

namespace TtLora.Core.Routing;

/// <summary>
/// The experts' adapters at one site, collected into one module that runs row i's expert on row i of a batch (see
/// <see cref="ExpertMixture"/>). A kind that can be mixed per row gives one through
/// <see cref="AdapterKind.CreateMixtureStack"/>; kinds whose adapters share a stack (TT-LoRA and LoRA are both low-rank
/// linear updates) can be mixed with each other.
/// </summary>
public abstract class MixtureStack : IDisposable
{
    protected MixtureStack(AdapterSite site)
    {
        Site = site;
    }

    /// <summary>The site this stack replaces.</summary>
    public AdapterSite Site { get; }

    /// <summary>Whether an adapter can join this stack.</summary>
    public abstract bool Accepts(Adapter adapter);

    /// <summary>Adds expert <paramref name="slot"/>'s adapter (its values are copied; the adapter may be disposed after).</summary>
    public abstract void Add(int slot, Adapter adapter);

    /// <summary>
    /// The module to put in the site's slot, wrapping <paramref name="frozen"/>. Slots 0..experts-1 are the experts
    /// (zeros where an expert has no adapter here); with <paramref name="withUniformMerge"/>, slot <c>experts</c> is the
    /// uniform merge of all of them.
    /// </summary>
    public abstract nn.Module<Tensor, Tensor> Build(nn.Module<Tensor, Tensor> frozen, int experts, bool withUniformMerge, ExpertSelection selection,
        ScalarType dtype, Device device);

    /// <summary>Frees the collected values.</summary>
    public abstract void Dispose();

    /// <summary>A detached float32 copy that outlives the current dispose scope.</summary>
    protected static Tensor Keep(Tensor t) => t.detach().to(ScalarType.Float32).clone().DetachFromDisposeScope();
}

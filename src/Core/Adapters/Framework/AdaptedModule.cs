using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>
/// A frozen module of the base model with adapters attached. The base is the child <c>base_layer</c> (so keys read
/// <c>q_proj.base_layer.weight</c> as in PEFT's in-memory layout) and the adapters are children of
/// <c>adapters</c>. Several adapters may be attached; at most one is active, and it runs only while adapters are
/// enabled.
/// </summary>
public abstract class AdaptedModule : nn.Module<Tensor, Tensor>
{
    private nn.Module<Tensor, Tensor>? base_layer;
    private readonly AdapterSet adapters;
    private bool enabled = true;

    /// <param name="typeName">Module type name.</param>
    /// <param name="path">The wrapped module's name in the model, e.g. <c>model.layers.0.self_attn.q_proj</c>.</param>
    /// <param name="baseLayer">The frozen module; it becomes a child of this wrapper.</param>
    protected AdaptedModule(string typeName, string path, nn.Module<Tensor, Tensor> baseLayer) : base(typeName)
    {
        Path = path;
        base_layer = baseLayer;
        adapters = new AdapterSet();
        register_module(nameof(base_layer), baseLayer);
        register_module(nameof(adapters), adapters);
    }

    /// <summary>The wrapped module's name in the model (Hugging Face's key prefix).</summary>
    public string Path { get; }

    /// <summary>The frozen module.</summary>
    public nn.Module<Tensor, Tensor> BaseLayer => base_layer ?? throw new InvalidOperationException($"{Path}: the base layer is detached");

    /// <summary>Names of the attached adapters, in attachment order.</summary>
    public IReadOnlyList<string> AdapterNames => adapters.Names;

    /// <summary>The adapter that runs in forward when adapters are enabled (null: none).</summary>
    public string? ActiveAdapter { get; private set; }

    /// <summary>Whether the active adapter runs. Disabling gives the base module's output exactly.</summary>
    public bool AdaptersEnabled
    {
        get => enabled;
        set
        {
            if (!value) BeforeDisable();
            enabled = value;
        }
    }

    /// <summary>Whether an adapter of this name is attached.</summary>
    public bool HasAdapter(string name) => adapters.Contains(name);

    /// <summary>The adapter of this name.</summary>
    public Adapter GetAdapter(string name) => adapters[name];

    /// <summary>Attaches an adapter; with <paramref name="activate"/> it becomes the active one.</summary>
    public void AddAdapter(string name, Adapter adapter, bool activate = true)
    {
        CheckCompatible(adapter);
        adapters.Add(name, adapter);
        if (activate) SetActiveAdapter(name);
    }

    /// <summary>Detaches and returns an adapter (the caller owns it); the active one is deactivated.</summary>
    public virtual Adapter RemoveAdapter(string name)
    {
        var adapter = adapters.Remove(name);
        if (ActiveAdapter == name) ActiveAdapter = null;
        return adapter;
    }

    /// <summary>Selects the adapter that runs (null: none).</summary>
    public virtual void SetActiveAdapter(string? name)
    {
        if (name is not null && !adapters.Contains(name))
            throw new TtLoraException($"{Path}: no adapter named \"{name}\"; attached: {AdapterSet.Describe(adapters.Names)}");
        ActiveAdapter = name;
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        var running = RunningAdapter();
        if (running is null) return BaseLayer.call(x);
        using var scope = NewDisposeScope();
        var y = BaseLayer.call(x);
        var delta = running.Placement == AdapterPlacement.Parallel ? running.call(x) : running.call(y);
        // Adding in place saves a full-size output tensor; only safe when nothing kept y for the backward pass.
        var sum = AddInPlaceIsSafe(running) ? y.add_(delta) : y.add(delta);
        return sum.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Whether the base output may be overwritten with the sum: true only when neither the base module nor the
    /// adapter keeps that output for its backward pass.
    /// </summary>
    protected virtual bool AddInPlaceIsSafe(Adapter adapter) => false;

    /// <summary>The adapter forward must add, or null when the output is the base module's alone.</summary>
    protected virtual Adapter? RunningAdapter() =>
        enabled && ActiveAdapter is not null ? adapters[ActiveAdapter] : null;

    /// <summary>Throws when an adapter cannot sit on this kind of base module.</summary>
    protected abstract void CheckCompatible(Adapter adapter);

    /// <summary>Called before adapters are disabled (a merged adapter must leave the base weight first).</summary>
    protected virtual void BeforeDisable()
    {
    }

    /// <summary>Unregisters the base module so the wrapper can be dropped or disposed without it.</summary>
    internal nn.Module<Tensor, Tensor> ReleaseBaseLayer()
    {
        var released = BaseLayer;
        register_module(nameof(base_layer), null!); // a null module unregisters the name
        base_layer = null;
        return released;
    }

    /// <summary>Puts a released base module back.</summary>
    internal void RestoreBaseLayer(nn.Module<Tensor, Tensor> baseLayer)
    {
        if (base_layer is not null) throw new InvalidOperationException($"{Path}: the base layer is already attached");
        base_layer = baseLayer;
        register_module(nameof(base_layer), baseLayer);
    }
}

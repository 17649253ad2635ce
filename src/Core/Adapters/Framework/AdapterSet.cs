using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>
/// The named adapters of one adapted module, registered as child modules so their parameters read
/// <c>adapters.NAME.lora_A.weight</c> etc. (TorchSharp's ModuleDict does not register entries added after
/// construction, so this container registers each one as it comes.)
/// </summary>
public sealed class AdapterSet : nn.Module
{
    private readonly List<(string Name, Adapter Adapter)> entries = [];

    public AdapterSet() : base(nameof(AdapterSet))
    {
    }

    /// <summary>Adapter names in the order they were added.</summary>
    public IReadOnlyList<string> Names => entries.Select(e => e.Name).ToArray();

    /// <summary>Number of adapters.</summary>
    public int Count => entries.Count;

    /// <summary>Whether an adapter of this name exists.</summary>
    public bool Contains(string name) => entries.Any(e => e.Name == name);

    /// <summary>The adapter of this name; throws a <see cref="TtLoraException"/> listing the names when absent.</summary>
    public Adapter this[string name] =>
        entries.FirstOrDefault(e => e.Name == name).Adapter
        ?? throw new TtLoraException($"no adapter named \"{name}\"; attached: {Describe(Names)}");

    /// <summary>Adds and registers an adapter.</summary>
    public void Add(string name, Adapter adapter)
    {
        CheckName(name);
        if (Contains(name)) throw new TtLoraException($"an adapter named \"{name}\" is already attached");
        register_module(name, adapter);
        entries.Add((name, adapter));
    }

    /// <summary>Unregisters and returns an adapter; the caller owns it.</summary>
    public Adapter Remove(string name)
    {
        var adapter = this[name];
        register_module(name, null!); // a null module unregisters the name
        entries.RemoveAll(e => e.Name == name);
        return adapter;
    }

    /// <summary>Checks that a name can be a module name (non-empty, no dot).</summary>
    public static void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new TtLoraException($"adapter name \"{name}\" must be non-empty and contain no '.'");
    }

    internal static string Describe(IReadOnlyCollection<string> names) => names.Count == 0 ? "none" : string.Join(", ", names);
}

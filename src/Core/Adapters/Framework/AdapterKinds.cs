namespace TtLora.Core.Adapters;

/// <summary>The registry of adapter kinds: adding a kind is its folder plus one line here.</summary>
public static class AdapterKinds
{
    /// <summary>Every kind, in the order help texts list them.</summary>
    public static IReadOnlyList<AdapterKind> All { get; } =
    [
        TtLoraKind.Instance,
        LoraKind.Instance,
        BottleneckKind.Instance,
        ParallelKind.Instance,
        MolaKind.Instance,
    ];

    /// <summary>The names users type, for option validation and help.</summary>
    public static IReadOnlyList<string> Names => All.Select(k => k.Name).ToArray();

    /// <summary>The kind a user names (<c>--adapter</c>, a manifest's adapter_kind).</summary>
    /// <param name="option">The option or field the name came from, for the error.</param>
    public static AdapterKind Named(string name, string option = "--adapter") =>
        All.FirstOrDefault(k => k.Name == name)
        ?? throw new TtLoraException($"{option}: expected one of {string.Join(", ", Names)}, got \"{name}\"");

    /// <summary>The kind of a config file's peft_type, or null when no kind has it.</summary>
    public static AdapterKind? WithPeftType(string peftType) => All.FirstOrDefault(k => k.PeftType == peftType);
}

namespace TtLora.Core.Routing;

/// <summary>
/// Which summary of the base's hidden states a state-reading router (noisy top-k, MLP) scores: the last non-pad
/// token's state, as TT-LoRA MoE does, or the state averaged over the real tokens. A large base carries the whole
/// input in its last state; a small one mostly carries the next word there, and the average identifies the task better.
/// </summary>
public enum RouterPooling
{
    /// <summary>The last non-pad token's state (the paper's router).</summary>
    Last,
    /// <summary>The mean of the states over the input's real tokens.</summary>
    Mean,
}

/// <summary>Names of <see cref="RouterPooling"/> on the command line and in <c>router_config.json</c>.</summary>
public static class RouterPoolings
{
    public static IReadOnlyList<string> Names { get; } = ["last", "mean"];

    public static string Name(RouterPooling pooling) => Names[(int)pooling];

    public static RouterPooling Parse(string name, string option = "--pooling")
    {
        int index = Names.ToList().IndexOf(name);
        if (index < 0) throw new TtLoraException($"{option}: expected one of {string.Join(", ", Names)}, got \"{name}\"");
        return (RouterPooling)index;
    }

    /// <summary>Whether routers of <paramref name="kind"/> read a pooled state (the embedding and attention routers pool their own way).</summary>
    public static bool Applies(RouterKind kind) => kind is RouterKind.NoisyTopK or RouterKind.Mlp;
}

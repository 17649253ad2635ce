namespace TtLora.Core.Routing;

/// <summary>The router architectures of TT-LoRA MoE's reference code.</summary>
public enum RouterKind
{
    /// <summary>The paper's router: clean logits from the last token, learned noise scale from the mean-pooled state, top-k.</summary>
    NoisyTopK,
    /// <summary>One linear layer over the mean of the input's token embeddings (no transformer pass needed).</summary>
    Embedding,
    /// <summary>Two layers (hidden -> width -> experts, ReLU) over the last token's hidden state.</summary>
    Mlp,
    /// <summary>A learned query attending over the token states with four heads, then a linear layer.</summary>
    Attention,
}

/// <summary>Names of <see cref="RouterKind"/> on the command line and in <c>router_config.json</c>.</summary>
public static class RouterKinds
{
    /// <summary>Every name, in <see cref="RouterKind"/> order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["noisy-top1", "embedding", "mlp", "attention"];

    public static string Name(RouterKind kind) => Names[(int)kind];

    public static RouterKind Parse(string name, string option = "--router")
    {
        int index = Names.ToList().IndexOf(name);
        if (index < 0) throw new TtLoraException($"{option}: expected one of {string.Join(", ", Names)}, got \"{name}\"");
        return (RouterKind)index;
    }
}

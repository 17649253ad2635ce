namespace TtLora.Core.Adapters;

/// <summary>
/// A module of a Llama model that an adapter can be attached to, known from the config alone.
/// </summary>
/// <param name="Path">Hugging Face module name, e.g. <c>model.layers.3.self_attn.q_proj</c>.</param>
/// <param name="Name">Last path segment, e.g. <c>q_proj</c> (or <c>mlp</c> for the feed-forward block).</param>
/// <param name="Layer">Decoder layer index.</param>
/// <param name="InFeatures">Input width.</param>
/// <param name="OutFeatures">Output width.</param>
/// <param name="IsLinear">True for Linear projections; false for a whole block.</param>
public sealed record AdapterSite(string Path, string Name, int Layer, int InFeatures, int OutFeatures, bool IsLinear);

using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>One adapted site of an adapter folder and its tensors, checked against the config's shapes.</summary>
/// <param name="Site">The module (its features from the base model, or from the tensors when read without one).</param>
/// <param name="Target">The target_modules entry that selects it.</param>
/// <param name="Tensors">Its tensors by parameter name (<c>lora_A.weight</c>, <c>tt_cores.0</c>, ...), in the config's order.</param>
public sealed record AdapterSiteTensors(AdapterSite Site, string Target, IReadOnlyDictionary<string, Tensor> Tensors);

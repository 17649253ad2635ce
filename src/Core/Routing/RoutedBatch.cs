using static TorchSharp.torch;

namespace TtLora.Core.Routing;

/// <summary>A routed forward's outputs: the router's decision and each row's logits from its chosen expert (padded, -inf past its label count).</summary>
public sealed record RoutedBatch(RouterOutput Routing, Tensor Logits, RoutingPass Pass);

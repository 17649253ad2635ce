namespace TtLora.Core.Routing;

/// <summary>How a routed forward runs the base model.</summary>
public enum RoutingPass
{
    /// <summary>Single pass when the router and experts allow it, else two passes.</summary>
    Auto,
    /// <summary>The reference's way: one base pass without adapters for router features, then a full pass with the experts.</summary>
    TwoPass,
    /// <summary>
    /// Layers 0..K run once without adapters, the router reads layer K's output, and layers K+1.. continue with each
    /// row's expert: one base pass in total. Needs a router trained on layer K and experts adapting only layers above K.
    /// </summary>
    SinglePass,
}

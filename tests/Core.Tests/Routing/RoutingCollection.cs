namespace TtLora.Core.Tests.Routing;

/// <summary>Routing test classes share one pretrained base and expert registry (building it is the slow part).</summary>
[CollectionDefinition(Name)]
public sealed class RoutingCollection : ICollectionFixture<RoutingFixture>
{
    public const string Name = "routing";
}

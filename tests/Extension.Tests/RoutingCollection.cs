namespace TtLora.Extension.Tests;

/// <summary>Test classes that share one <see cref="RoutingCommandFixture"/> (a pretrained tiny base and two experts).</summary>
[CollectionDefinition(Name)]
public sealed class RoutingCollection : ICollectionFixture<RoutingCommandFixture>
{
    public const string Name = "routing fixture";
}

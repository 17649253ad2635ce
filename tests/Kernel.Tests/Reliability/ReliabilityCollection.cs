namespace TtLora.Kernel.Tests.Reliability;

/// <summary>The reliability tests share one workspace and run one class at a time (each already uses both cores).</summary>
[CollectionDefinition(Name)]
public sealed class ReliabilityCollection : ICollectionFixture<ReliabilityWorkspace>
{
    public const string Name = "reliability";
}

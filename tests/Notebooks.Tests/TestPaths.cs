namespace TtLora.Notebooks.Tests;

/// <summary>Where the tests find the executable under test, the notebooks and the helper scripts.</summary>
internal static class TestPaths
{
    public static string TtloraDll => Path.Combine(AppContext.BaseDirectory, "ttlora.dll");

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The committed notebooks folder.</summary>
    public static string Notebooks => Path.Combine(RepositoryRoot, "notebooks");

    /// <summary>A script in tests/fixtures/notebooks.</summary>
    public static string Fixture(string name) => Path.Combine(RepositoryRoot, "tests", "fixtures", "notebooks", name);

    static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TtLora.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"cannot find the repository root (TtLora.slnx) above {AppContext.BaseDirectory}");
    }
}

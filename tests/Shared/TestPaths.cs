namespace TtLora.Tests.Shared;

/// <summary>Where the tests find the executable under test, the notebooks and the committed fixtures.</summary>
public static class TestPaths
{
    /// <summary>The ttlora executable built next to the tests (test projects that reference the kernel).</summary>
    public static string TtloraDll => System.IO.Path.Combine(AppContext.BaseDirectory, "ttlora.dll");

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The committed notebooks folder.</summary>
    public static string Notebooks => System.IO.Path.Combine(RepositoryRoot, "notebooks");

    /// <summary>A file in tests/fixtures/<paramref name="folder"/>.</summary>
    public static string Fixture(string folder, string name) => System.IO.Path.Combine(RepositoryRoot, "tests", "fixtures", folder, name);

    static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "TtLora.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"cannot find the repository root (TtLora.slnx) above {AppContext.BaseDirectory}");
    }
}

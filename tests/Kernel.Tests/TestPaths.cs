namespace TtLora.Kernel.Tests;

/// <summary>Where the tests find the executable under test and the committed fixtures.</summary>
internal static class TestPaths
{
    public static string TtloraDll => Path.Combine(AppContext.BaseDirectory, "ttlora.dll");

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TtLora.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"cannot find the repository root (TtLora.slnx) above {AppContext.BaseDirectory}");
    }

    /// <summary>A file in tests/fixtures/kernel.</summary>
    public static string KernelFixture(string name) => Path.Combine(RepositoryRoot(), "tests", "fixtures", "kernel", name);
}

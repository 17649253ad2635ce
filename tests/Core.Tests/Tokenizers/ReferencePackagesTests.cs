namespace TtLora.Core.Tests.Tokenizers;

/// <summary>The npm cache used by the agreement tests survives concurrent first installs.</summary>
public sealed class ReferencePackagesTests
{
    [Fact]
    public void ConcurrentFirstInstalls_AllSeeOneCompletePackage()
    {
        using var cache = new TempFolder();
        var folders = Enumerable.Range(0, 3)
            .AsParallel().WithDegreeOfParallelism(3)
            .Select(_ => ReferencePackages.PackageDirectory(ReferencePackages.HfTokenizers, cache.Path))
            .ToList();
        Assert.Single(folders.Distinct());
        Assert.True(File.Exists(Path.Combine(folders[0], "package.json")));
        Assert.True(File.Exists(Path.Combine(folders[0], "dist", "tokenizers.cjs")));
        // Only the finished package remains: no staging folders are left behind.
        Assert.Equal([Path.Combine(cache.Path, "npm", "@huggingface+tokenizers@0.2.0")], Directory.GetDirectories(Path.Combine(cache.Path, "npm")));
    }
}

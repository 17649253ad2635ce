using TtLora.Core.Packages;

namespace TtLora.Core.Tests.Packages;

/// <summary>The npm package cache survives concurrent first installs and leaves no staging folders behind.</summary>
public sealed class NpmPackageCacheTests
{
    [Fact]
    public void ConcurrentFirstInstallsAllSeeOneCompletePackage()
    {
        using var cache = new TempFolder();
        var folders = Enumerable.Range(0, 3)
            .AsParallel().WithDegreeOfParallelism(3)
            .Select(_ => NpmPackageCache.Get("@huggingface/tokenizers", "0.2.0", cacheRoot: cache.Path))
            .ToList();
        Assert.Single(folders.Distinct());
        Assert.True(File.Exists(Path.Combine(folders[0], "package.json")));
        Assert.True(File.Exists(Path.Combine(folders[0], "dist", "tokenizers.cjs")));
        Assert.Equal([Path.Combine(cache.Path, "npm", "@huggingface+tokenizers@0.2.0")], Directory.GetDirectories(Path.Combine(cache.Path, "npm")));
    }

    [Fact]
    public void AnUnknownVersionIsAClearError()
    {
        using var cache = new TempFolder();
        var e = Assert.Throws<TtLoraException>(() => NpmPackageCache.Get("@huggingface/tokenizers", "0.0.0-does-not-exist", cacheRoot: cache.Path));
        Assert.Contains("npm pack @huggingface/tokenizers@0.0.0-does-not-exist failed", e.Message);
        Assert.Empty(Directory.GetDirectories(Path.Combine(cache.Path, "npm")));
    }
}

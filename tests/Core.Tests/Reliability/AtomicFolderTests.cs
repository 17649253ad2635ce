using TtLora.Core;

namespace TtLora.Core.Tests.Reliability;

/// <summary>Publishing a folder over an older one never leaves a moment without it; a claimed name refuses a second writer.</summary>
public sealed class AtomicFolderTests : IDisposable
{
    readonly TempFolder folder = new("ttlora-atomic-");

    [Fact]
    public async Task AReaderAlwaysFindsTheFolderWhilePublishersReplaceIt()
    {
        string target = folder["entry"];
        using (var claim = FolderClaim.Acquire(target, "entry"))
            claim.Write(staging => File.WriteAllText(Path.Combine(staging, "version"), "0"));
        using var stop = new CancellationTokenSource();
        int reads = 0, misses = 0;
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                reads++;
                // Whole or nothing: the folder and its one file are there, with a version a publisher wrote.
                if (!File.Exists(Path.Combine(target, "version"))) misses++;
            }
        });
        using (var claim = FolderClaim.Acquire(target, "entry"))
            for (int i = 1; i <= 300; i++)
                claim.Write(staging => File.WriteAllText(Path.Combine(staging, "version"), $"{i}"));
        stop.Cancel();
        await reader;
        Assert.True(reads > 300, $"the reader ran only {reads} times");
        Assert.Equal(0, misses);
        Assert.Equal("300", File.ReadAllText(Path.Combine(target, "version")));
        Assert.Empty(Directory.GetDirectories(folder.Path, ".staging-*"));
    }

    [Fact]
    public void ASecondClaimOfTheSameNameIsRefusedAndFreedOnRelease()
    {
        string target = folder["entry"];
        using (FolderClaim.Acquire(target, "entry \"x\""))
        {
            var e = Assert.Throws<TtLoraException>(() => FolderClaim.Acquire(target, "entry \"x\""));
            Assert.Contains("entry \"x\" is being written by another process", e.Message);
            using var other = FolderClaim.Acquire(folder["other"], "other");
        }
        using var again = FolderClaim.Acquire(target, "entry \"x\"");
    }

    [Fact]
    public void LeftoversOfTheClaimedNameAreCleanedAtOnceOthersOnlyWhenStale()
    {
        string own = Directory.CreateDirectory(folder[$".staging-x-{Guid.NewGuid():N}"]).FullName;
        string fresh = Directory.CreateDirectory(folder[$".staging-y-{Guid.NewGuid():N}"]).FullName;
        string stale = Directory.CreateDirectory(folder[$".retired-z-{Guid.NewGuid():N}"]).FullName;
        Directory.SetLastWriteTimeUtc(stale, DateTime.UtcNow - AtomicFolder.StaleAge - TimeSpan.FromMinutes(1));
        using (FolderClaim.Acquire(folder["x"], "x"))
        {
            Assert.False(Directory.Exists(own));
            Assert.True(Directory.Exists(fresh), "a young staging folder of another name may belong to a live writer");
            Assert.False(Directory.Exists(stale));
        }
    }

    public void Dispose() => folder.Dispose();
}

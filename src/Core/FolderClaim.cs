namespace TtLora.Core;

/// <summary>
/// The right to write one folder name, held by one process at a time: an exclusive lock on a hidden file beside
/// the folder (<c>.NAME.lock</c>, never deleted, so every writer locks the same file). The operating system drops
/// the lock when the process ends, killed or not, so a crashed writer never blocks the next one. Two writers of one
/// name therefore never overwrite each other's result unnoticed: the second is refused with a clear message.
/// </summary>
public sealed class FolderClaim : IDisposable
{
    readonly FileStream lockFile;

    FolderClaim(string target, FileStream lockFile)
    {
        Target = target;
        this.lockFile = lockFile;
    }

    /// <summary>The folder this claim may write.</summary>
    public string Target { get; }

    string Root => Path.GetDirectoryName(Target)!;
    string Name => Path.GetFileName(Target);

    /// <summary>
    /// Claims <paramref name="target"/>, or throws a <see cref="TtLoraException"/> naming <paramref name="what"/> when
    /// another process holds it. Leftovers of interrupted writes of this name are cleaned on the way.
    /// </summary>
    public static FolderClaim Acquire(string target, string what)
    {
        var claim = TryAcquire(target)
            ?? throw new TtLoraException($"{what} is being written by another process right now ({LockPath(Path.GetFullPath(target))} is locked); " +
                "wait for it to finish or choose another name");
        AtomicFolder.CleanLeftovers(claim.Root, claim.Name);
        return claim;
    }

    /// <summary>Claims <paramref name="target"/> if no other process holds it; null otherwise.</summary>
    public static FolderClaim? TryAcquire(string target)
    {
        string full = Path.GetFullPath(target).TrimEnd(Path.DirectorySeparatorChar);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        try
        {
            // FileShare.None is an exclusive advisory lock (flock) on Unix, a share mode on Windows.
            var stream = new FileStream(LockPath(full), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return new FolderClaim(full, stream);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>A fresh hidden folder beside the target to assemble it in.</summary>
    public string Stage() => AtomicFolder.Stage(Root, Name);

    /// <summary>Swaps a staged folder in as the target (see <see cref="AtomicFolder.Publish"/>).</summary>
    public void Publish(string staging) => AtomicFolder.Publish(staging, Target);

    /// <summary>Writes the target whole: <paramref name="write"/> fills a staging folder, which is then swapped in.</summary>
    public void Write(Action<string> write)
    {
        string staging = Stage();
        try
        {
            write(staging);
            Publish(staging);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    static string LockPath(string full) => Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.lock");

    public void Dispose() => lockFile.Dispose();
}

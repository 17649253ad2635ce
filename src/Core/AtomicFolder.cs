using System.Runtime.InteropServices;

namespace TtLora.Core;

/// <summary>
/// Publishes a folder whole, as <see cref="AtomicFile"/> does a file: it is assembled under a hidden staging name
/// beside its target and then swapped into place, so readers see the old folder or the complete new one, never a
/// mix and never an empty name. On Linux the swap is one <c>renameat2(RENAME_EXCHANGE)</c>: the name points at the
/// old folder until the instant it points at the new one. Where the kernel or file system cannot exchange, the old
/// folder is moved aside first (a moment without the name). Writers of one name take a <see cref="FolderClaim"/> first.
/// </summary>
public static class AtomicFolder
{
    /// <summary>How old a staging or retired folder of another name must be before any writer may delete it.</summary>
    public static readonly TimeSpan StaleAge = TimeSpan.FromMinutes(10);

    /// <summary>Longest folder name accepted, leaving room for the staging prefix and suffix within 255 bytes.</summary>
    public const int MaxNameLength = 200;

    const string StagingPrefix = ".staging-";
    const string RetiredPrefix = ".retired-";

    /// <summary>A fresh hidden folder in <paramref name="root"/> to assemble <paramref name="name"/> in; pass it to <see cref="Publish"/>.</summary>
    public static string Stage(string root, string name)
    {
        string staging = Path.Combine(root, $"{StagingPrefix}{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        return staging;
    }

    /// <summary>Swaps <paramref name="staging"/> in as <paramref name="target"/>, replacing (and deleting) an older folder there.</summary>
    public static void Publish(string staging, string target)
    {
        string full = Path.GetFullPath(target).TrimEnd(Path.DirectorySeparatorChar);
        if (!Directory.Exists(full) && !File.Exists(full))
        {
            Directory.Move(staging, full);
            return;
        }
        if (Directory.Exists(full) && TryExchange(staging, full))
        {
            // The staging name now holds the old folder.
            Directory.Delete(staging, recursive: true);
            return;
        }
        string retired = Retire(full);
        Directory.Move(staging, full);
        Directory.Delete(retired, recursive: true);
    }

    /// <summary>Removes <paramref name="target"/> by one rename, so a reader never sees it half deleted.</summary>
    public static void Remove(string target) => Directory.Delete(Retire(target), recursive: true);

    /// <summary>
    /// Deletes what interrupted writes left in <paramref name="root"/>: every staging or retired folder of
    /// <paramref name="ownName"/> (the caller holds its claim, so no live writer owns them), and those of other names
    /// once they are older than <see cref="StaleAge"/> and their name is not claimed.
    /// </summary>
    public static void CleanLeftovers(string root, string? ownName = null)
    {
        if (!Directory.Exists(root)) return;
        foreach (var dir in Directory.GetDirectories(root, StagingPrefix + "*").Concat(Directory.GetDirectories(root, RetiredPrefix + "*")))
        {
            string? name = NameOf(Path.GetFileName(dir));
            bool own = name is not null && name == ownName;
            try
            {
                if (!own && DateTime.UtcNow - Directory.GetLastWriteTimeUtc(dir) < StaleAge) continue;
                if (own || name is null) Directory.Delete(dir, recursive: true);
                else
                {
                    using var claim = FolderClaim.TryAcquire(Path.Combine(root, name));
                    if (claim is not null) Directory.Delete(dir, recursive: true);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another cleaner got there first, or the folder is not ours to delete: leave it.
            }
        }
    }

    /// <summary>
    /// Checks before any long work that <paramref name="target"/> can be written: its parent is (or can be made) a
    /// folder we may write in, and its name fits. <paramref name="option"/> names where the location came from.
    /// </summary>
    public static void EnsureWritable(string target, string option)
    {
        string full = Path.GetFullPath(target).TrimEnd(Path.DirectorySeparatorChar);
        string name = Path.GetFileName(full);
        if (name.Length > MaxNameLength)
            throw new TtLoraException($"{option}: the folder name is {name.Length} characters long; at most {MaxNameLength} fit");
        if (File.Exists(full)) throw new TtLoraException($"{option}: {full} is a file, not a folder");
        string parent = Path.GetDirectoryName(full)!;
        for (string? up = parent; up is not null; up = Path.GetDirectoryName(up))
            if (File.Exists(up)) throw new TtLoraException($"{option}: {up} is a file, not a folder");
        try
        {
            Directory.CreateDirectory(parent);
            string probe = Path.Combine(parent, $".write-check-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TtLoraException($"{option}: cannot write in {parent} ({e.Message})");
        }
    }

    static string? NameOf(string leftover)
    {
        string rest = leftover.StartsWith(StagingPrefix, StringComparison.Ordinal) ? leftover[StagingPrefix.Length..]
            : leftover.StartsWith(RetiredPrefix, StringComparison.Ordinal) ? leftover[RetiredPrefix.Length..] : "";
        // "<name>-<32 hex digits>"
        return rest.Length > 33 && rest[^33] == '-' ? rest[..^33] : null;
    }

    static string Retire(string target)
    {
        string full = Path.GetFullPath(target).TrimEnd(Path.DirectorySeparatorChar);
        string retired = Path.Combine(Path.GetDirectoryName(full)!, $"{RetiredPrefix}{Path.GetFileName(full)}-{Guid.NewGuid():N}");
        Directory.Move(full, retired);
        return retired;
    }

    static bool TryExchange(string a, string b)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return RenameAt2(AtCurrentDirectory, Path.GetFullPath(a), AtCurrentDirectory, Path.GetFullPath(b), RenameExchange) == 0;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    const int AtCurrentDirectory = -100;
    const uint RenameExchange = 2;

    [DllImport("libc", EntryPoint = "renameat2", SetLastError = true)]
    static extern int RenameAt2(int oldDirectory, [MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath,
        int newDirectory, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath, uint flags);
}

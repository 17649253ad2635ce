namespace TtLora.Core;

/// <summary>
/// Publishes a folder whole, as <see cref="AtomicFile"/> does a file: it is assembled under a hidden staging name
/// beside its target and then renamed into place, and an older folder of that name is first moved aside, so readers
/// see the old folder or the complete new one, never a mix or an empty name.
/// </summary>
public static class AtomicFolder
{
    /// <summary>A fresh hidden folder in <paramref name="root"/> to assemble <paramref name="name"/> in; pass it to <see cref="Publish"/>.</summary>
    public static string Stage(string root, string name)
    {
        string staging = Path.Combine(root, $".staging-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        return staging;
    }

    /// <summary>Renames <paramref name="staging"/> to <paramref name="target"/>, replacing an older folder there.</summary>
    public static void Publish(string staging, string target)
    {
        if (Directory.Exists(target))
        {
            string retired = Retire(target);
            Directory.Move(staging, target);
            Directory.Delete(retired, recursive: true);
        }
        else
        {
            Directory.Move(staging, target);
        }
    }

    /// <summary>Removes <paramref name="target"/> by one rename, so a reader never sees it half deleted.</summary>
    public static void Remove(string target) => Directory.Delete(Retire(target), recursive: true);

    /// <summary>Deletes what interrupted writes left in <paramref name="root"/> (hidden staging and retired folders).</summary>
    public static void CleanLeftovers(string root)
    {
        if (!Directory.Exists(root)) return;
        foreach (var dir in Directory.GetDirectories(root, ".staging-*").Concat(Directory.GetDirectories(root, ".retired-*")))
            Directory.Delete(dir, recursive: true);
    }

    static string Retire(string target)
    {
        string full = Path.GetFullPath(target).TrimEnd(Path.DirectorySeparatorChar);
        string retired = Path.Combine(Path.GetDirectoryName(full)!, $".retired-{Path.GetFileName(full)}-{Guid.NewGuid():N}");
        Directory.Move(full, retired);
        return retired;
    }
}

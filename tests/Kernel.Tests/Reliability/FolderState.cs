using System.Security.Cryptography;

namespace TtLora.Kernel.Tests.Reliability;

/// <summary>What a folder holds: relative path to content hash, to tell "the old folder" from anything else.</summary>
public sealed record FolderState(IReadOnlyDictionary<string, string> Files)
{
    public static FolderState Of(string folder) => new(Directory.Exists(folder)
        ? Directory.GetFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(
            f => Path.GetRelativePath(folder, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))))
        : new Dictionary<string, string>());

    public bool SameAs(FolderState other) =>
        Files.Count == other.Files.Count && Files.All(kv => other.Files.TryGetValue(kv.Key, out var hash) && hash == kv.Value);

    public static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from)) Copy(dir, Path.Combine(to, Path.GetFileName(dir)));
    }

    /// <summary>Hidden leftovers of interrupted writes of <paramref name="name"/> in <paramref name="root"/>.</summary>
    public static string[] Leftovers(string root, string name) => !Directory.Exists(root) ? [] :
        Directory.GetDirectories(root, $".staging-{name}-*").Concat(Directory.GetDirectories(root, $".retired-{name}-*")).ToArray();
}

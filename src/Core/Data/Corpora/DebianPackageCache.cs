using System.Security.Cryptography;
using TtLora.Core.Packages;

namespace TtLora.Core.Data;

/// <summary>
/// Fetches a Debian package's files without installing it: <c>apt-get download</c> (which checks the archive's
/// signed hashes) into a temporary folder, the .deb's SHA-256 compared with <c>apt-cache</c>'s and recorded in a
/// marker file, then <c>dpkg-deb -x</c>. The unpacked tree appears in the cache with one rename, so an interrupted
/// fetch leaves nothing half-done. <c>apt-get update</c> runs only when the download fails for want of package lists.
/// </summary>
public static class DebianPackageCache
{
    /// <summary>The root of the unpacked package (holding <c>usr/...</c>), fetching it on first use.</summary>
    public static string Get(string package, Action<string>? log = null)
    {
        if (string.IsNullOrWhiteSpace(package) || package.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '+' or '.')))
            throw new TtLoraException($"'{package}' is not a Debian package name");
        string root = CacheDirectory.Sub("deb");
        string target = Path.Combine(root, package);
        string marker = Path.Combine(target, ".complete");
        if (File.Exists(marker)) return Path.Combine(target, "root");

        using var fileLock = CacheLock.Acquire(Path.Combine(root, package + ".lock"));
        if (File.Exists(marker)) return Path.Combine(target, "root");

        log?.Invoke($"fetching Debian package {package} into {root}");
        string staging = Path.Combine(root, $".{package}.{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            string deb = Download(package, staging);
            string sha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(deb)));
            string? expected = ArchiveSha256(package);
            if (expected is not null && !string.Equals(expected, sha256, StringComparison.OrdinalIgnoreCase))
                throw new TtLoraException($"Debian package {package}: downloaded .deb has SHA-256 {sha256}, the archive index says {expected}");
            string version = Run("dpkg-deb", ["-f", deb, "Version"], staging).Output.Trim();

            string unpacked = Path.Combine(staging, "unpacked");
            Directory.CreateDirectory(Path.Combine(unpacked, "root"));
            Run("dpkg-deb", ["-x", deb, Path.Combine(unpacked, "root")], staging);
            File.WriteAllText(Path.Combine(unpacked, ".complete"), $"{package} {version} {Path.GetFileName(deb)} sha256:{sha256}\n");
            if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
            Directory.Move(unpacked, target);
            log?.Invoke($"unpacked {package} {version} (sha256 {sha256})");
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
        return Path.Combine(target, "root");
    }

    /// <summary>The marker line of a fetched package: name, version, .deb file name and its SHA-256.</summary>
    public static string? Describe(string package)
    {
        string marker = Path.Combine(CacheDirectory.Root, "deb", package, ".complete");
        return File.Exists(marker) ? File.ReadAllText(marker).Trim() : null;
    }

    static string Download(string package, string folder)
    {
        var result = Run("apt-get", ["download", package], folder, allowFailure: true);
        if (result.ExitCode != 0 && NeedsPackageLists(result.Error))
        {
            var update = Run("apt-get", ["update"], folder, allowFailure: true);
            if (update.ExitCode != 0)
                throw new TtLoraException($"apt-get download {package} failed for want of package lists, and apt-get update failed too (it needs root): {LastLines(update.Error)}");
            result = Run("apt-get", ["download", package], folder, allowFailure: true);
        }
        if (result.ExitCode != 0)
            throw new TtLoraException($"apt-get download {package} failed (exit {result.ExitCode}): {LastLines(result.Error)}");
        var debs = Directory.GetFiles(folder, "*.deb");
        if (debs.Length != 1) throw new TtLoraException($"apt-get download {package} produced {debs.Length} .deb files, expected 1");
        return debs[0];
    }

    static bool NeedsPackageLists(string error)
    {
        bool listsEmpty = !Directory.Exists("/var/lib/apt/lists")
            || !Directory.EnumerateFiles("/var/lib/apt/lists").Any(f => Path.GetFileName(f).Contains("_Packages", StringComparison.Ordinal));
        return listsEmpty || error.Contains("Unable to locate package", StringComparison.Ordinal)
            || error.Contains("no installation candidate", StringComparison.Ordinal)
            || error.Contains("404", StringComparison.Ordinal);
    }

    static string? ArchiveSha256(string package)
    {
        var result = ExternalProcess.Run("apt-cache", ["show", "--no-all-versions", package]);
        if (result is null || result.ExitCode != 0) return null;
        return result.Output.Split('\n').FirstOrDefault(l => l.StartsWith("SHA256: ", StringComparison.Ordinal))?["SHA256: ".Length..].Trim();
    }

    static ExternalProcess.Result Run(string tool, string[] arguments, string folder, bool allowFailure = false)
    {
        var result = ExternalProcess.Run(tool, arguments, folder)
            ?? throw new TtLoraException($"fetching Debian packages needs {tool}, which is not on PATH (this works on Debian/Ubuntu; elsewhere install the package's files by other means)");
        if (!allowFailure && result.ExitCode != 0)
            throw new TtLoraException($"{tool} {string.Join(' ', arguments)} failed (exit {result.ExitCode}): {LastLines(result.Error)}");
        return result;
    }

    static string LastLines(string text) => string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
}

using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json.Nodes;

namespace TtLora.Core.Packages;

/// <summary>
/// Fetches an exact npm package version once (<c>npm pack</c>, which checks the registry's integrity hash) and
/// keeps it unpacked in the cache. Concurrent callers wait on a lock file; an interrupted fetch leaves nothing
/// behind because the unpacked folder appears with one rename.
/// </summary>
public static class NpmPackageCache
{
    /// <summary>The unpacked package folder (the tarball's <c>package/</c>), fetching it on first use.</summary>
    /// <param name="cacheRoot">Another cache root than <see cref="CacheDirectory.Root"/> (tests use a temp one).</param>
    public static string Get(string name, string version, Action<string>? log = null, string? cacheRoot = null)
    {
        string root = Path.Combine(cacheRoot ?? CacheDirectory.Root, "npm");
        Directory.CreateDirectory(root);
        string safe = name.Replace('/', '+') + "@" + version;
        string target = Path.Combine(root, safe);
        if (File.Exists(Path.Combine(target, ".complete"))) return Path.Combine(target, "package");

        using var fileLock = AcquireLock(Path.Combine(root, safe + ".lock"));
        if (File.Exists(Path.Combine(target, ".complete"))) return Path.Combine(target, "package");

        log?.Invoke($"fetching npm package {name}@{version} into {root}");
        string staging = Path.Combine(root, $".{safe}.{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            var (tarball, integrity) = Pack(name, version, staging);
            string unpacked = Path.Combine(staging, "unpacked");
            Directory.CreateDirectory(unpacked);
            using (var file = File.OpenRead(tarball))
            using (var gzip = new GZipStream(file, CompressionMode.Decompress))
                TarFile.ExtractToDirectory(gzip, unpacked, overwriteFiles: false);
            File.WriteAllText(Path.Combine(unpacked, ".complete"), $"{name}@{version} {integrity}\n");
            if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
            Directory.Move(unpacked, target);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
        return Path.Combine(target, "package");
    }

    static (string Tarball, string Integrity) Pack(string name, string version, string destination)
    {
        var start = new ProcessStartInfo("npm")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "pack", $"{name}@{version}", "--json", "--pack-destination", destination, "--loglevel", "error" })
            start.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new TtLoraException("npm: could not start");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new TtLoraException($"fetching {name}@{version} needs npm (Node.js), which is not on PATH; install it (Debian: apt-get install npm)");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                process.Kill(entireProcessTree: true);
                throw new TtLoraException($"npm pack {name}@{version} did not finish within 5 minutes");
            }
            if (process.ExitCode != 0)
                throw new TtLoraException($"npm pack {name}@{version} failed (exit {process.ExitCode}): {stderr.Result.Trim()}");
            var result = JsonNode.Parse(stdout.Result) as JsonArray;
            string? file = result?[0]?["filename"]?.GetValue<string>();
            string integrity = result?[0]?["integrity"]?.GetValue<string>() ?? "";
            string? tarball = file is null ? null : Path.Combine(destination, Path.GetFileName(file));
            if (tarball is null || !File.Exists(tarball))
                throw new TtLoraException($"npm pack {name}@{version} reported no tarball");
            return (tarball, integrity);
        }
    }

    static FileStream AcquireLock(string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }
}

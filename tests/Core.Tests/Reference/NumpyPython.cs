namespace TtLora.Core.Tests.Reference;

/// <summary>
/// Finds a Python 3 interpreter that can import numpy: the one named by <see cref="OverrideVariable"/>,
/// else the first <c>python3</c>/<c>python</c> on PATH that passes. A PATH's first python may be a
/// version manager's shim without numpy, so every candidate is actually tried.
/// </summary>
internal static class NumpyPython
{
    /// <summary>Environment variable that names the interpreter explicitly.</summary>
    public const string OverrideVariable = "TTLORA_PYTHON";

    /// <summary>The Debian package that provides numpy for the system python3.</summary>
    public const string DebianPackage = "python3-numpy";

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(60);

    // Searched once per test run; a failure is cached too, so every test fails with the same message.
    private static readonly Lazy<string> Found = new(() => Search(
        Environment.GetEnvironmentVariable(OverrideVariable), Environment.GetEnvironmentVariable("PATH") ?? ""));

    /// <summary>Path of the interpreter; throws <see cref="TtLoraException"/> when there is none.</summary>
    public static string Interpreter => Found.Value;

    /// <summary>The search itself, on explicit inputs: an override path (or null) and a PATH value.</summary>
    internal static string Search(string? explicitPath, string pathVariable)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            if (ImportsNumpy(explicitPath))
                return explicitPath;
            throw new TtLoraException(
                $"{OverrideVariable}={explicitPath}: this interpreter cannot import numpy " +
                $"(on Debian: apt-get install -y {DebianPackage})");
        }

        var tried = new List<string>();
        foreach (var candidate in CandidatesOnPath(pathVariable))
        {
            tried.Add(candidate);
            if (ImportsNumpy(candidate))
                return candidate;
        }
        var triedText = tried.Count == 0 ? "no python3/python on PATH" : "tried " + string.Join(", ", tried);
        throw new TtLoraException(
            $"The Hugging Face reference tests need Python 3 with numpy ({triedText}). " +
            $"Install it with 'apt-get install -y {DebianPackage}' (Debian/Ubuntu) " +
            $"or set {OverrideVariable} to an interpreter that can import numpy.");
    }

    private static IEnumerable<string> CandidatesOnPath(string path)
    {
        var names = OperatingSystem.IsWindows()
            ? new[] { "python3.exe", "python.exe" }
            : new[] { "python3", "python" };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in names)
            {
                var candidate = Path.Combine(directory, name);
                if (File.Exists(candidate) && seen.Add(candidate))
                    yield return candidate;
            }
        }
    }

    private static bool ImportsNumpy(string interpreter)
    {
        try
        {
            var result = ChildProcess.TryRun(
                interpreter, ["-c", "import sys, numpy; sys.exit(0 if sys.version_info >= (3, 8) else 1)"], ProbeTimeout);
            return result is { ExitCode: 0 };
        }
        catch (TimeoutException)
        {
            return false; // a hanging interpreter is as good as none
        }
    }
}

namespace TtLora.Tests.Shared;

/// <summary>
/// Finds a Python 3 with Jupyter's libraries, with which the kernel and notebook tests drive the kernel and run and
/// convert notebooks (jupyter_client, nbclient, nbformat, nbconvert): the one named by <see cref="OverrideVariable"/>,
/// else the first python3/python on PATH that imports them (a version manager's shim first on PATH may lack them, so
/// every candidate is tried). There is no skipping: without them those tests fail and say what to install.
/// </summary>
public static class JupyterPython
{
    public const string OverrideVariable = "TTLORA_PYTHON";

    /// <summary>The Debian packages that provide the libraries for the system python3.</summary>
    public const string DebianPackages = "python3-jupyter-client python3-nbclient python3-nbformat jupyter-nbconvert";

    const string Probe = "import sys, jupyter_client, nbclient, nbformat, nbconvert, zmq; sys.exit(0 if sys.version_info >= (3, 8) else 1)";

    static readonly Lazy<string?> Found = new(Search);
    static readonly List<string> Tried = [];

    /// <summary>Path of the interpreter; fails the test with installation advice when there is none.</summary>
    public static string Interpreter => Found.Value ?? throw new InvalidOperationException(
        $"The kernel and notebook tests drive the kernel with Jupyter's own client and convert notebooks with nbconvert: they need Python 3 with " +
        $"jupyter_client, nbclient, nbformat, nbconvert and pyzmq ({(Tried.Count == 0 ? "no python3/python on PATH" : "tried " + string.Join(", ", Tried))}). " +
        $"Install them with 'apt-get install -y {DebianPackages}' (Debian/Ubuntu; scripts/install-test-deps.sh does it) " +
        $"or set {OverrideVariable} to an interpreter that has them.");

    static string? Search()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable(OverrideVariable) is { Length: > 0 } explicitPath) candidates.Add(explicitPath);
        else
        {
            foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
                foreach (var name in new[] { "python3", "python" })
                    if (File.Exists(Path.Combine(dir, name)) && !candidates.Contains(Path.Combine(dir, name))) candidates.Add(Path.Combine(dir, name));
        }
        foreach (var candidate in candidates)
        {
            Tried.Add(candidate);
            if (ChildProcess.TryRun(candidate, ["-c", Probe], TimeSpan.FromSeconds(60)) is { ExitCode: 0 }) return candidate;
        }
        return null;
    }
}

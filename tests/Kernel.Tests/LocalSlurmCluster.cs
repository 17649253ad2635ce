using System.Diagnostics;

namespace TtLora.Kernel.Tests;

/// <summary>
/// A private single-node Slurm cluster for one test, run by the project's scripts/local-slurm.sh in a temporary state
/// folder: started in the constructor, stopped (jobs cancelled, the daemons it started signalled by PID file) on dispose.
/// </summary>
public sealed class LocalSlurmCluster : IDisposable
{
    static string Script => Path.Combine(TestPaths.RepositoryRoot, "scripts", "local-slurm.sh");

    public LocalSlurmCluster(string state)
    {
        State = state;
        foreach (var program in new[] { "slurmctld", "slurmd", "sbatch", "munged" })
            if (!OnPath(program)) throw new InvalidOperationException($"{program} is not installed: run scripts/install-test-deps.sh (it installs Slurm and munge)");
        var started = ChildProcess.Run("bash", [Script, "start", state], TimeSpan.FromMinutes(2), new Dictionary<string, string?> { ["LOCAL_SLURM_CPUS"] = "2" });
        if (started.ExitCode != 0) throw new InvalidOperationException($"the local Slurm cluster did not start: {started.Error}");
        DaemonPids = Directory.GetFiles(Path.Combine(state, "run"), "*.pid")
            .Where(f => !f.EndsWith(".daemon.pid", StringComparison.Ordinal))
            .Select(f => int.Parse(File.ReadAllText(f).Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    public string State { get; }

    /// <summary>PIDs of the daemons the script started (munged, slurmctld, slurmd).</summary>
    public IReadOnlyList<int> DaemonPids { get; }

    /// <summary>The environment every client command needs.</summary>
    public Dictionary<string, string?> Environment => new() { ["SLURM_CONF"] = Path.Combine(State, "slurm.conf") };

    /// <summary>Waits until the cluster has no pending or running job.</summary>
    public void WaitUntilIdle(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var queue = ChildProcess.Run("squeue", ["-h", "-o", "%i %T"], TimeSpan.FromSeconds(30), Environment);
            if (queue.ExitCode == 0 && queue.Output.Trim().Length == 0) return;
            if (clock.Elapsed > timeout) throw new TimeoutException($"jobs still queued after {timeout.TotalSeconds:0} s:\n{queue.Output}{queue.Error}");
            Thread.Sleep(1000);
        }
    }

    public ChildProcess.Result Status() => ChildProcess.Run("bash", [Script, "status", State], TimeSpan.FromSeconds(30));

    public void Dispose() => ChildProcess.Run("bash", [Script, "stop", State], TimeSpan.FromMinutes(2));

    static bool OnPath(string program) =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/sbin"])
            .Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, program)));
}

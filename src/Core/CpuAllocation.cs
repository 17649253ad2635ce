using TorchSharp;

namespace TtLora.Core;

/// <summary>
/// How many CPU threads this process may use, and where that number came from. libtorch's intra-op pool takes every
/// core of the node by default; on a shared node (a Slurm task, or a machine shared with other work) that oversubscribes
/// the cores and slows everyone, so the count comes from the allocation instead.
/// </summary>
/// <param name="Threads">Threads to give libtorch (at least 1).</param>
/// <param name="Source">The setting that decided it, e.g. <c>SLURM_CPUS_PER_TASK=4</c>.</param>
public sealed record CpuAllocation(int Threads, string Source)
{
    /// <summary>An explicit override, for runs that must use a fixed count (e.g. to reproduce a cluster task locally).</summary>
    public const string OverrideVariable = "TTLORA_THREADS";

    /// <summary>
    /// Decides from, in order: <see cref="OverrideVariable"/>; Slurm's <c>SLURM_CPUS_PER_TASK</c> (set when the job asked
    /// for <c>--cpus-per-task</c>); inside any Slurm job, <c>SLURM_CPUS_ON_NODE</c> (the job's CPUs on this node); else
    /// <paramref name="processorCount"/>, which .NET derives from the affinity mask and the cgroup CPU quota.
    /// </summary>
    public static CpuAllocation Decide(Func<string, string?> environment, int processorCount)
    {
        if (environment(OverrideVariable) is string text && !string.IsNullOrWhiteSpace(text))
        {
            if (Positive(text) is not int forced)
                throw new TtLoraException($"{OverrideVariable}: expected a positive whole number of threads, got \"{text}\"");
            return new(forced, $"{OverrideVariable}={forced}");
        }
        if (Positive(environment("SLURM_CPUS_PER_TASK")) is int perTask) return new(perTask, $"SLURM_CPUS_PER_TASK={perTask}");
        if (environment("SLURM_JOB_ID") is not null && Positive(environment("SLURM_CPUS_ON_NODE")) is int onNode)
            return new(onNode, $"SLURM_CPUS_ON_NODE={onNode}");
        return new(Math.Max(1, processorCount), "processor affinity");
    }

    /// <summary>The allocation of this process.</summary>
    public static CpuAllocation Current() => Decide(Environment.GetEnvironmentVariable, Environment.ProcessorCount);

    /// <summary>Sets libtorch's intra-op thread count from <see cref="Current"/>; call once at startup, before any tensor work.</summary>
    public static CpuAllocation ApplyToTorch()
    {
        var allocation = Current();
        if (torch.get_num_threads() != allocation.Threads) torch.set_num_threads(allocation.Threads);
        return allocation;
    }

    static int? Positive(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (!int.TryParse(value.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) || n < 1)
            return null;
        return n;
    }
}

using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TtLora.Core.Cluster;

/// <summary>
/// What each Slurm job asks for. Unset fields are left to the cluster's defaults. Values are checked here, before
/// any script is written, so a typo is reported against its option rather than by sbatch later.
/// </summary>
public sealed partial record SlurmResources
{
    public string? Partition { get; init; }
    /// <summary>Wall-clock limit in a form sbatch accepts: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS.</summary>
    public string? Time { get; init; }
    public int? CpusPerTask { get; init; }
    public int? GpusPerTask { get; init; }
    /// <summary>Memory per node, e.g. 8G or 16000M.</summary>
    public string? Memory { get; init; }

    /// <summary>Throws <see cref="TtLoraException"/> naming the option when a value is not one sbatch accepts.</summary>
    public SlurmResources Validated()
    {
        if (Partition is not null && !PartitionPattern().IsMatch(Partition))
            throw new TtLoraException($"--partition: \"{Partition}\" is not a partition name (letters, digits, '-', '_', '.', comma-separated)");
        if (Time is not null && !TimePattern().IsMatch(Time))
            throw new TtLoraException($"--time: \"{Time}\" is not a Slurm time limit (expected MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS)");
        if (CpusPerTask is < 1) throw new TtLoraException($"--cpus-per-task: expected at least 1, got {CpusPerTask}");
        if (GpusPerTask is < 0) throw new TtLoraException($"--gpus-per-task: expected 0 or more, got {GpusPerTask}");
        if (Memory is not null && !MemoryPattern().IsMatch(Memory))
            throw new TtLoraException($"--mem: \"{Memory}\" is not a memory size (expected a whole number with an optional K, M, G or T suffix, e.g. 8G)");
        return this;
    }

    /// <summary>The <c>#SBATCH</c> lines for the fields that are set, in a fixed order.</summary>
    public IReadOnlyList<string> Directives()
    {
        var lines = new List<string>();
        if (Partition is not null) lines.Add($"--partition={Partition}");
        if (Time is not null) lines.Add($"--time={Time}");
        if (CpusPerTask is int cpus) lines.Add($"--cpus-per-task={cpus.ToString(CultureInfo.InvariantCulture)}");
        if (GpusPerTask is int gpus && gpus > 0) lines.Add($"--gpus-per-task={gpus.ToString(CultureInfo.InvariantCulture)}");
        if (Memory is not null) lines.Add($"--mem={Memory}");
        return lines;
    }

    public JsonObject ToJson() => new()
    {
        ["partition"] = Partition,
        ["time"] = Time,
        ["cpus_per_task"] = CpusPerTask,
        ["gpus_per_task"] = GpusPerTask,
        ["mem"] = Memory,
    };

    public static SlurmResources FromJson(JsonObject json) => new()
    {
        Partition = (string?)json["partition"],
        Time = (string?)json["time"],
        CpusPerTask = (int?)json["cpus_per_task"],
        GpusPerTask = (int?)json["gpus_per_task"],
        Memory = (string?)json["mem"],
    };

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]+(,[A-Za-z0-9_.\-]+)*$")]
    private static partial Regex PartitionPattern();

    [GeneratedRegex(@"^(\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d+|\d+-\d+:\d{1,2}|\d+-\d+:\d{1,2}:\d{1,2}|UNLIMITED|INFINITE)$")]
    private static partial Regex TimePattern();

    [GeneratedRegex(@"^\d+[KMGTkmgt]?$")]
    private static partial Regex MemoryPattern();
}

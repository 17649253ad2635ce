using System.Text.RegularExpressions;

namespace TtLora.Core.Cluster;

/// <summary>
/// One job (or one array element, or a range of still-pending elements) as <c>scontrol -o show job</c> reports it.
/// </summary>
/// <param name="JobId">The job's own id.</param>
/// <param name="ArrayTaskIds">The array indices this record covers (empty for a job that is not an array).</param>
/// <param name="State">JobState, e.g. PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT.</param>
/// <param name="Reason">Why it waits or ended (None when there is nothing to say).</param>
/// <param name="ExitCode">EXIT:SIGNAL as Slurm prints it.</param>
public sealed partial record SlurmJobRecord(string JobId, IReadOnlyList<int> ArrayTaskIds, string State, string Reason, string ExitCode)
{
    /// <summary>States after which a job will not run again by itself.</summary>
    public static bool IsFinished(string state) => !(state is "PENDING" or "RUNNING" or "CONFIGURING" or "COMPLETING" or "SUSPENDED" or "REQUEUED" or "RESIZING" or "SIGNALING" or "STAGE_OUT");

    /// <summary>Finished states that mean the work did not complete.</summary>
    public static bool IsFailure(string state) => IsFinished(state) && state != "COMPLETED";

    /// <summary>Parses the output of <c>scontrol -o show job ID</c>: one record per line.</summary>
    public static IReadOnlyList<SlurmJobRecord> ParseOneLiners(string output)
    {
        var records = new List<SlurmJobRecord>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Field(line, "JobId") is not string id || Field(line, "JobState") is not string state) continue;
            var tasks = Field(line, "ArrayTaskId") is string spec ? ExpandIndices(spec) : [];
            records.Add(new SlurmJobRecord(id, tasks, state, Field(line, "Reason") ?? "None", Field(line, "ExitCode") ?? ""));
        }
        return records;
    }

    /// <summary>Expands an array index list such as <c>0-3,7</c> or <c>1-9:2%4</c> (a step and a throttle).</summary>
    public static IReadOnlyList<int> ExpandIndices(string spec)
    {
        var throttle = spec.IndexOf('%');
        if (throttle >= 0) spec = spec[..throttle];
        var indices = new List<int>();
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var match = RangePattern().Match(part);
            if (!match.Success) continue;
            int first = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            int last = match.Groups[2].Success ? int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) : first;
            int step = match.Groups[3].Success ? int.Parse(match.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) : 1;
            for (int i = first; i <= last; i += Math.Max(1, step)) indices.Add(i);
        }
        return indices;
    }

    /// <summary>Writes index lists compactly for <c>sbatch --array</c>, e.g. 0,2-4.</summary>
    public static string CompactIndices(IEnumerable<int> indices)
    {
        var sorted = indices.Distinct().Order().ToList();
        var parts = new List<string>();
        for (int i = 0; i < sorted.Count;)
        {
            int j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1) j++;
            parts.Add(i == j ? $"{sorted[i]}" : $"{sorted[i]}-{sorted[j]}");
            i = j + 1;
        }
        return string.Join(',', parts);
    }

    static string? Field(string line, string key)
    {
        var match = Regex.Match(line, $@"(?:^|\s){key}=(\S*)");
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex(@"^(\d+)(?:-(\d+)(?::(\d+))?)?$")]
    private static partial Regex RangePattern();
}

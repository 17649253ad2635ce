namespace TtLora.Core.Benchmarks;

/// <summary>This process's resident memory from <c>/proc/self/status</c> (Linux), with a resettable peak.</summary>
public static class ProcessMemory
{
    /// <summary>True where the figures are available (Linux).</summary>
    public static bool Available => File.Exists("/proc/self/status");

    /// <summary>Current resident set size in bytes (VmRSS).</summary>
    public static long Resident() => Read("VmRSS:");

    /// <summary>Peak resident set size in bytes since start or the last <see cref="ResetPeak"/> (VmHWM).</summary>
    public static long Peak() => Read("VmHWM:");

    /// <summary>Starts a new peak from the current size (writing 5 to /proc/self/clear_refs); false where the kernel refuses.</summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    static long Read(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (!line.StartsWith(key, StringComparison.Ordinal)) continue;
            var kilobytes = line[key.Length..].Trim().Split(' ')[0];
            return long.Parse(kilobytes, System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        throw new TtLoraException($"/proc/self/status has no {key.TrimEnd(':')} line");
    }
}

using System.Diagnostics;
using System.Runtime.InteropServices;

namespace TtLora.Core.Benchmarks;

/// <summary>
/// CPU time consumed by this process, in milliseconds, with nanosecond resolution on Linux (clock_gettime);
/// elsewhere the coarser <see cref="Process.TotalProcessorTime"/>.
/// </summary>
internal static class CpuClock
{
    private const int ClockProcessCpuTimeId = 2;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    public static double NowMilliseconds()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(ClockProcessCpuTimeId, out var time) == 0)
            return time.Seconds * 1e3 + time.Nanoseconds / 1e6;
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalMilliseconds;
    }
}

using System.Diagnostics;

namespace TtLora.Kernel.Jupyter;

/// <summary>
/// Ends the kernel when the process that launched it is gone (Jupyter names it in JPY_PARENT_PID), so a crashed
/// front end leaves no orphan kernel behind.
/// </summary>
internal sealed class ParentProcessWatcher : IDisposable
{
    readonly Timer? timer;

    public ParentProcessWatcher(Action parentGone)
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable("JPY_PARENT_PID"), out int pid) || pid <= 1) return;
        timer = new Timer(_ =>
        {
            if (IsAlive(pid)) return;
            timer?.Dispose();
            parentGone();
        }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public void Dispose() => timer?.Dispose();
}

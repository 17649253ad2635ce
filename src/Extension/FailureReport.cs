using System.Text.RegularExpressions;
using TtLora.Core.Packages;

namespace TtLora.Extension;

/// <summary>
/// What a host shows for an exception that is not a <see cref="Core.TtLoraException"/>: a bug, not bad input. The
/// person gets one line (what failed, that it is a bug, where the details are); the full trace, native frames
/// included, goes to a log file under the cache folder.
/// </summary>
public static partial class FailureReport
{
    /// <summary>The first line of an exception's message, without the native (c10) frames libtorch appends.</summary>
    public static string Headline(Exception e)
    {
        string message = e.Message;
        var native = NativeTrace().Match(message);
        if (native.Success) message = message[..native.Index];
        message = message.Replace("\r\n", "\n").Trim();
        int newline = message.IndexOf('\n');
        if (newline >= 0) message = message[..newline].Trim();
        return message.Length > 0 ? message : e.GetType().Name;
    }

    /// <summary>Writes the full exception to a new log file and returns the one line to show.</summary>
    public static string Describe(Exception e, IReadOnlyList<string>? args = null)
    {
        string? log = TryWriteLog(e, args);
        return $"internal error: {Headline(e)} ({e.GetType().Name}) — this is a bug in tt-lora" +
            (log is not null ? $"; the full trace is in {log}" : "");
    }

    static string? TryWriteLog(Exception e, IReadOnlyList<string>? args)
    {
        try
        {
            string dir = CacheDirectory.Sub("logs");
            string path = Path.Combine(dir, $"error-{DateTime.UtcNow:yyyyMMdd-HHmmss-fff}-{Environment.ProcessId}.log");
            File.WriteAllText(path, $"{DateTimeOffset.UtcNow:O}\nttlora {string.Join(' ', args ?? [])}\n\n{e}\n");
            return path;
        }
        catch (Exception io) when (io is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"\s*(Exception raised from |frame #0: )")]
    private static partial Regex NativeTrace();
}

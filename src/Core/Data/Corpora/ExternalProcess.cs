using System.ComponentModel;
using System.Diagnostics;

namespace TtLora.Core.Data;

/// <summary>Runs a command-line tool and captures its output.</summary>
static class ExternalProcess
{
    public sealed record Result(int ExitCode, string Output, string Error);

    /// <summary>The tool's result, or null when the tool is not installed.</summary>
    public static Result? Run(string tool, IEnumerable<string> arguments, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["LC_ALL"] = "C"; // stable, parseable messages
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (Win32Exception)
        {
            return null;
        }
        if (process is null) return null;
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            var limit = timeout ?? TimeSpan.FromMinutes(10);
            if (!process.WaitForExit(limit))
            {
                process.Kill(entireProcessTree: true);
                throw new TtLoraException($"{tool} {string.Join(' ', arguments)} did not finish within {limit}");
            }
            return new Result(process.ExitCode, output.Result, error.Result);
        }
    }
}

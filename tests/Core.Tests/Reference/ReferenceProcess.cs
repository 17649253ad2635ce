using System.ComponentModel;
using System.Diagnostics;

namespace TtLora.Core.Tests.Reference;

/// <summary>Runs an external program to completion with a time limit and captures its output.</summary>
internal static class ReferenceProcess
{
    /// <summary>Exit code and captured streams of one finished run.</summary>
    internal sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    /// <summary>
    /// Runs <paramref name="program"/>; returns null when it cannot be started at all (not found, not
    /// executable). Throws <see cref="TtLoraException"/> when it outlives <paramref name="timeout"/>.
    /// </summary>
    public static Result? Run(string program, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);

        using var process = new Process { StartInfo = start };
        try
        {
            if (!process.Start())
                return null;
        }
        catch (Win32Exception)
        {
            return null;
        }
        process.StandardInput.Close();
        // Read both streams concurrently so a chatty child can never block on a full pipe.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TtLoraException(
                $"{program} {string.Join(' ', start.ArgumentList)}: did not finish within {timeout.TotalSeconds:0} s");
        }
        process.WaitForExit();
        return new Result(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }
}

using System.ComponentModel;
using System.Diagnostics;

namespace TtLora.Tests.Shared;

/// <summary>Runs a program to completion with a time limit, environment additions, and captured output.</summary>
public static class ChildProcess
{
    public sealed record Result(int ExitCode, string Output, string Error, TimeSpan Elapsed);

    /// <summary>
    /// Runs <paramref name="program"/>; null when it cannot be started at all. A run past the time limit is killed and
    /// throws <see cref="TimeoutException"/>, which fails a test unless the caller (an interpreter probe) catches it.
    /// </summary>
    public static Result? TryRun(string program, IEnumerable<string> arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        using var process = new Process { StartInfo = start };
        var clock = Stopwatch.StartNew();
        try
        {
            if (!process.Start()) return null;
        }
        catch (Win32Exception)
        {
            return null;
        }
        process.StandardInput.Close();
        // Both streams are read concurrently, so a chatty child never blocks on a full pipe.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish within {timeout.TotalSeconds:0} s\n{stderr.Result}");
        }
        process.WaitForExit();
        return new Result(process.ExitCode, stdout.Result, stderr.Result, clock.Elapsed);
    }

    public static Result Run(string program, IEnumerable<string> arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null) =>
        TryRun(program, arguments, timeout, environment, workingDirectory) ?? throw new InvalidOperationException($"cannot start {program}");

    /// <summary>Runs the ttlora executable built next to the tests, as a user runs it.</summary>
    public static Result Ttlora(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null) =>
        Run("dotnet", [TestPaths.TtloraDll, .. arguments], TimeSpan.FromMinutes(2), environment);
}

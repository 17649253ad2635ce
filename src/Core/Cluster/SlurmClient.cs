using System.ComponentModel;
using System.Diagnostics;

namespace TtLora.Core.Cluster;

/// <summary>
/// Slurm's client commands (<c>sbatch</c>, <c>scontrol</c>) run as child processes. They find the cluster the usual
/// way (<c>/etc/slurm/slurm.conf</c> or <c>SLURM_CONF</c>); a failure becomes a <see cref="TtLoraException"/> carrying
/// what the command said.
/// </summary>
public sealed class SlurmClient
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    /// <summary>Submits <paramref name="script"/> with <c>sbatch --parsable</c> and the extra options; returns the job id.</summary>
    public string Submit(string script, IEnumerable<string> options)
    {
        var arguments = new List<string> { "--parsable" };
        arguments.AddRange(options);
        arguments.Add(script);
        var (code, output, error) = Run("sbatch", arguments);
        if (code != 0) throw new TtLoraException($"sbatch {string.Join(' ', arguments)}: {FirstLine(error, output)}");
        // --parsable prints "ID" or "ID;CLUSTER".
        var id = output.Trim().Split(';')[0];
        if (id.Length == 0 || !id.All(char.IsAsciiDigit)) throw new TtLoraException($"sbatch {string.Join(' ', arguments)}: unexpected reply \"{output.Trim()}\"");
        return id;
    }

    /// <summary>The records Slurm still holds for job <paramref name="jobId"/> (for an array: one per element); empty once purged.</summary>
    public IReadOnlyList<SlurmJobRecord> Show(string jobId)
    {
        var (code, output, error) = Run("scontrol", ["-o", "show", "job", jobId]);
        if (code != 0)
        {
            if (error.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase)) return [];
            throw new TtLoraException($"scontrol show job {jobId}: {FirstLine(error, output)}");
        }
        return SlurmJobRecord.ParseOneLiners(output);
    }

    static (int Code, string Output, string Error) Run(string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception)
        {
            throw new TtLoraException($"{program} not found: Slurm's client commands must be on PATH (Debian: slurm-client), and SLURM_CONF must point at the cluster's slurm.conf when it is not in /etc/slurm");
        }
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TtLoraException($"{program} did not answer within {Timeout.TotalSeconds:0} s (is slurmctld reachable?)");
        }
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }

    static string FirstLine(string error, string output)
    {
        var text = string.IsNullOrWhiteSpace(error) ? output : error;
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "failed with no message";
    }
}

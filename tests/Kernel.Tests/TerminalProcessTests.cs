using System.Diagnostics;

namespace TtLora.Kernel.Tests;

/// <summary>The real executable, as a user runs it: errors are one line on stderr with a non-zero exit code.</summary>
public class TerminalProcessTests
{
    static (int Code, string Out, string Err) RunTtlora(params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "ttlora.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "ttlora did not exit");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void BadConfigGivesOneLineNamingFileAndField()
    {
        string dir = Directory.CreateTempSubdirectory("ttlora-proc-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "config.json"), "{\"model_type\":\"llama\",\"vocab_size\":10,\"intermediate_size\":8,\"num_hidden_layers\":1,\"num_attention_heads\":2}");
            var (code, _, err) = RunTtlora("model", "info", "--model", dir);
            Assert.Equal(1, code);
            var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Single(lines);
            Assert.Contains("config.json", lines[0]);
            Assert.Contains("\"hidden_size\" is missing", lines[0]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void HelpListsTheVerbs()
    {
        var (code, output, _) = RunTtlora("--help");
        Assert.Equal(0, code);
        foreach (var verb in new[] { "generate", "tokenize", "model", "demo" }) Assert.Contains(verb, output);
    }
}

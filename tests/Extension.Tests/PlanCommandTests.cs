using System.Runtime.CompilerServices;

namespace TtLora.Extension.Tests;

/// <summary>`plan` on LLaMA-3.2-1B's published config reproduces the paper's parameter counts.</summary>
public class PlanCommandTests
{
    static string Llama32Config([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "fixtures", "models", "llama-3.2-1b", "config.json");

    [Fact]
    public void TtLoraOnQAndVIsThePapers33920()
    {
        var outcome = CliHarness.Run("plan", "--config", Llama32Config(), "--adapter", "tt-lora", "--targets", "q_proj,v_proj", "--rank", "5", "--json");
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(33_920, outcome.Json["trainable_parameters"]!.GetValue<long>());
        var modules = outcome.Json["modules"]!.AsArray();
        var q = modules.Single(m => m!["module"]!.GetValue<string>() == "q_proj")!;
        Assert.Equal([16, 8, 4, 4, 4, 4, 8, 16], q["tt_shape"]!.AsArray().Select(n => n!.GetValue<int>()));
        var v = modules.Single(m => m!["module"]!.GetValue<string>() == "v_proj")!;
        Assert.Equal([16, 16, 4, 2, 2, 16, 16], v["tt_shape"]!.AsArray().Select(n => n!.GetValue<int>()));
        Assert.Contains("33,920", outcome.Results.Single().Result.ToText());
    }

    [Fact]
    public void LoraRank16OnQAndVIs1703936()
    {
        var outcome = CliHarness.Run("plan", "--config", Llama32Config(), "--adapter", "lora", "--targets", "q_proj,v_proj", "--rank", "16", "--json");
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(1_703_936, outcome.Json["trainable_parameters"]!.GetValue<long>());
    }

    [Fact]
    public void UserFactorsAreValidated()
    {
        var outcome = CliHarness.Run("plan", "--config", Llama32Config(), "--input-factors", "q_proj=16,8,4,2", "--output-factors", "q_proj=16,8,4,4");
        Assert.Equal(CommandRunner.Failure, outcome.ExitCode);
        Assert.Contains("q_proj", outcome.Error);
        Assert.Contains("1024", outcome.Error);
    }
}

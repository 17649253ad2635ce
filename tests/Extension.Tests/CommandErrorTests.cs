namespace TtLora.Extension.Tests;

/// <summary>Bad input produces one readable line and a non-zero exit code, never an exception.</summary>
public class CommandErrorTests
{
    static void AssertOneLineError(CliHarness.Outcome outcome, string expected, int code)
    {
        Assert.Equal(code, outcome.ExitCode);
        Assert.Contains(expected, outcome.Error);
        Assert.DoesNotContain("   at ", outcome.Error);
        Assert.Empty(outcome.Results);
    }

    [Fact]
    public void UnknownVerbIsAUsageError() =>
        AssertOneLineError(CliHarness.Run("frobnicate"), "frobnicate", CommandRunner.UsageError);

    [Fact]
    public void MissingRequiredOptionIsAUsageError() =>
        AssertOneLineError(CliHarness.Run("tokenize", "--tokenizer", "x"), "--text", CommandRunner.UsageError);

    [Fact]
    public void BadOptionValueIsAUsageError() =>
        AssertOneLineError(CliHarness.Run("generate", "--model", "m", "--prompt-ids", "1", "--device", "tpu"), "tpu", CommandRunner.UsageError);

    [Fact]
    public void GenerateNeedsExactlyOnePromptKind() =>
        AssertOneLineError(CliHarness.Run("generate", "--model", "m"), "exactly one of --prompt or --prompt-ids", CommandRunner.UsageError);

    [Fact]
    public void MissingModelFolderIsNamed()
    {
        using var tmp = new TempFolder("ttlora-cli-");
        AssertOneLineError(CliHarness.Run("generate", "--model", tmp["absent"], "--prompt-ids", "1,2"), "absent: model folder not found", CommandRunner.Failure);
    }

    [Fact]
    public void MissingTokenizerIsNamed()
    {
        using var tmp = new TempFolder("ttlora-cli-");
        CliHarness.TinyCheckpoint(tmp.Path);
        var outcome = CliHarness.Run("generate", "--model", tmp.Path, "--prompt", "hello");
        AssertOneLineError(outcome, "tokenizer.json", CommandRunner.Failure);
    }

    [Fact]
    public void TruncatedWeightsAreNamed()
    {
        using var tmp = new TempFolder("ttlora-cli-");
        CliHarness.TinyCheckpoint(tmp.Path);
        string weights = tmp["model.safetensors"];
        var bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..(bytes.Length / 2)]);
        var outcome = CliHarness.Run("generate", "--model", tmp.Path, "--prompt-ids", "1,2");
        AssertOneLineError(outcome, "model.safetensors", CommandRunner.Failure);
    }

    [Fact]
    public void BadPromptIdsAreNamed() =>
        AssertOneLineError(CliHarness.Run("generate", "--model", ".", "--prompt-ids", "1,x"), "--prompt-ids: \"x\"", CommandRunner.Failure);
}

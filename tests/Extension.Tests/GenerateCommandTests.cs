using TtLora.Core.Models;

namespace TtLora.Extension.Tests;

public class GenerateCommandTests
{
    [Fact]
    public void JsonOutputCarriesPromptAndGreedyIdsOfTheModel()
    {
        using var tmp = new TempDir();
        CliHarness.TinyCheckpoint(tmp.Path, seed: 3);
        var outcome = CliHarness.Run("generate", "--model", tmp.Path, "--prompt-ids", "1, 5,7", "--max-new-tokens", "9", "--json");
        Assert.Equal(0, outcome.ExitCode);
        var json = outcome.Json;
        Assert.Equal([1L, 5, 7], json["prompt_ids"]!.AsArray().Select(n => n!.GetValue<long>()));
        using var model = LlamaCheckpoint.LoadCausalLM(tmp.Path);
        model.eval();
        var expected = model.GenerateGreedy([1, 5, 7], 9);
        Assert.Equal(expected, json["generated_ids"]!.AsArray().Select(n => n!.GetValue<long>()));
        Assert.True(outcome.Results.Single().Json);
    }

    [Fact]
    public void ModelInfoCountsParametersFromHeaders()
    {
        using var tmp = new TempDir();
        CliHarness.TinyCheckpoint(tmp.Path);
        var outcome = CliHarness.Run("model", "info", "--model", tmp.Path, "--json");
        Assert.Equal(0, outcome.ExitCode);
        using var model = LlamaCheckpoint.LoadCausalLM(tmp.Path);
        long expected = model.parameters().Sum(p => p.numel());
        Assert.Equal(expected, outcome.Json["parameters"]!.GetValue<long>());
        Assert.Equal("LlamaForCausalLM", outcome.Json["architecture"]!.GetValue<string>());
        Assert.Contains(outcome.Json["files"]!.AsArray(), f => f!["name"]!.GetValue<string>() == "model.safetensors");
    }
}

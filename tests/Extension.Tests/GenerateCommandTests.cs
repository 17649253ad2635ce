using TtLora.Core.Models;

namespace TtLora.Extension.Tests;

public class GenerateCommandTests
{
    [Fact]
    public void JsonOutputCarriesPromptAndGreedyIdsOfTheModel()
    {
        using var tmp = new TempFolder("ttlora-cli-");
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
        using var tmp = new TempFolder("ttlora-cli-");
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

public class GenerateWithAdapterTests
{
    [Fact]
    public void AnAdapterChangesGenerationAndAZeroOneDoesNot()
    {
        using var tmp = new TempFolder("ttlora-cli-");
        CliHarness.TinyCheckpoint(tmp["base"], seed: 4);
        using var model = LlamaCheckpoint.LoadCausalLM(tmp["base"]);
        // A freshly initialised LoRA (B = 0) is an exact no-op; a TT-LoRA (no zero core) is not.
        var injector = new TtLora.Core.Adapters.AdapterInjector(model);
        var lora = new TtLora.Core.Adapters.LoraConfig { R = 4, TargetModules = ["q_proj", "v_proj"], TaskType = TtLora.Core.Adapters.AdapterConfig.CausalLM };
        injector.Inject(lora, seed: 1);
        TtLora.Core.Adapters.AdapterFiles.Save(tmp["lora"], model, lora);
        injector.Detach();
        var tt = new TtLora.Core.Adapters.TtLoraConfig { R = 4, Alpha = 64, TargetModules = ["q_proj", "v_proj"], TaskType = TtLora.Core.Adapters.AdapterConfig.CausalLM };
        injector.Inject(tt, seed: 2);
        TtLora.Core.Adapters.AdapterFiles.Save(tmp["tt"], model, tt);

        string[] Ids(params string[] extra) => [.. new[] { "generate", "--model", tmp["base"], "--prompt-ids", "1,5,9,13", "--max-new-tokens", "12", "--json" }, .. extra];
        var plain = CliHarness.Run(Ids());
        var withLora = CliHarness.Run(Ids("--adapter", tmp["lora"]));
        var withTt = CliHarness.Run(Ids("--adapter", tmp["tt"]));
        Assert.True(withTt.ExitCode == 0, withTt.Error);
        Assert.Equal(plain.Json["generated_ids"]!.ToJsonString(), withLora.Json["generated_ids"]!.ToJsonString());
        Assert.NotEqual(plain.Json["generated_ids"]!.ToJsonString(), withTt.Json["generated_ids"]!.ToJsonString());
    }
}

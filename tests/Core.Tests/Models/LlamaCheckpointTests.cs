using System.Text.Json.Nodes;
using TtLora.Core.Formats;
using TtLora.Core.Models;

namespace TtLora.Core.Tests.Models;

public class LlamaCheckpointTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SaveThenLoadGivesIdenticalTensorsAndLogits(bool tied)
    {
        using var dir = new TempFolder();
        using var model = TestModels.CausalLM(TestModels.Tiny(tied: tied, scaling: TestModels.Llama3Scaling), seed: 21);
        LlamaCheckpoint.Save(model, dir.Path);
        using var loaded = LlamaCheckpoint.LoadCausalLM(dir.Path);
        loaded.eval();
        var expected = model.state_dict();
        var actual = loaded.state_dict();
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (key, tensor) in expected) Assert.True(TestModels.Same(tensor, actual[key]), key);
        using var ids = TestModels.RandomIds(2, 9, 97, seed: 22);
        using var a = model.Forward(ids);
        using var b = loaded.Forward(ids);
        Assert.True(TestModels.Same(a, b));
        Assert.Equal(model.Config.ToJson().ToJsonString(), loaded.Config.ToJson().ToJsonString());
    }

    [Fact]
    public void UsesHuggingFaceKeyNames()
    {
        using var dir = new TempFolder();
        using var model = TestModels.CausalLM(TestModels.Tiny(tied: false));
        LlamaCheckpoint.Save(model, dir.Path);
        using var file = SafeTensorsFile.Open(dir["model.safetensors"]);
        string[] expected =
        [
            "lm_head.weight", "model.embed_tokens.weight", "model.norm.weight",
            "model.layers.0.input_layernorm.weight", "model.layers.0.post_attention_layernorm.weight",
            "model.layers.0.self_attn.q_proj.weight", "model.layers.0.self_attn.k_proj.weight",
            "model.layers.0.self_attn.v_proj.weight", "model.layers.0.self_attn.o_proj.weight",
            "model.layers.0.mlp.gate_proj.weight", "model.layers.0.mlp.up_proj.weight", "model.layers.0.mlp.down_proj.weight",
        ];
        foreach (var key in expected) Assert.Contains(key, file.Names);
        Assert.Equal(2 + 1 + 2 * 9, file.Names.Count);
        Assert.Equal(new long[] { 2 * 8, 32 }, file.Info("model.layers.1.self_attn.k_proj.weight").Shape);
        var config = JsonNode.Parse(File.ReadAllText(dir["config.json"]))!;
        Assert.Equal("llama", config["model_type"]!.GetValue<string>());
        Assert.Equal("LlamaForCausalLM", config["architectures"]![0]!.GetValue<string>());
    }

    [Fact]
    public void TiedModelsWriteNoLmHeadAndIgnoreARedundantOne()
    {
        using var dir = new TempFolder();
        using var model = TestModels.CausalLM(TestModels.Tiny(tied: true));
        LlamaCheckpoint.Save(model, dir.Path);
        using (var file = SafeTensorsFile.Open(dir["model.safetensors"]))
            Assert.DoesNotContain("lm_head.weight", file.Names);
    }

    [Fact]
    public void ShardedSaveLoadsBack()
    {
        using var dir = new TempFolder();
        using var model = TestModels.CausalLM(TestModels.Tiny(tied: false), seed: 23);
        LlamaCheckpoint.Save(model, dir.Path, maxShardBytes: 20_000);
        Assert.True(File.Exists(dir["model.safetensors.index.json"]));
        Assert.False(File.Exists(dir["model.safetensors"]));
        using var loaded = LlamaCheckpoint.LoadCausalLM(dir.Path);
        foreach (var (key, tensor) in model.state_dict()) Assert.True(TestModels.Same(tensor, loaded.state_dict()[key]), key);
    }

    [Fact]
    public void Bfloat16CheckpointRoundTripsBitExactly()
    {
        using var dir = new TempFolder();
        using var model = TestModels.CausalLM(TestModels.Tiny(), seed: 24);
        model.to(ScalarType.BFloat16);
        LlamaCheckpoint.Save(model, dir.Path);
        Assert.Equal("bfloat16", LlamaConfig.Load(dir.Path).TorchDtype);
        using var loaded = LlamaCheckpoint.LoadCausalLM(dir.Path);
        foreach (var (key, tensor) in model.state_dict())
        {
            var other = loaded.state_dict()[key];
            Assert.Equal(ScalarType.BFloat16, other.dtype);
            Assert.True(TestModels.Same(tensor, other), key);
        }
    }

    [Fact]
    public void ClassifierKeepsItsScoreHeadAndStartsFreshFromACausalCheckpoint()
    {
        using var dir = new TempFolder();
        using var lm = TestModels.CausalLM(TestModels.Tiny(), seed: 25);
        LlamaCheckpoint.Save(lm, dir.Path);
        using var fresh = LlamaCheckpoint.LoadClassifier(dir.Path, numLabels: 4, seed: 3);
        Assert.Equal(4, fresh.NumLabels);
        Assert.True(TestModels.Same(fresh.Model.EmbedTokens.weight!, lm.Model.EmbedTokens.weight!));
        using var dir2 = new TempFolder();
        LlamaCheckpoint.Save(fresh, dir2.Path, labels: ["a", "b", "c", "d"]);
        using var again = LlamaCheckpoint.LoadClassifier(dir2.Path);
        Assert.True(TestModels.Same(again.Score.weight!, fresh.Score.weight!));
        Assert.Equal(["a", "b", "c", "d"], LlamaConfig.Load(dir2.Path).Labels);
    }
}

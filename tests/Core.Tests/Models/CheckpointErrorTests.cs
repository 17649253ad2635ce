using System.Text.Json.Nodes;
using TtLora.Core.Models;

namespace TtLora.Core.Tests.Models;

public class CheckpointErrorTests
{
    static string SavedTiny(TempFolder dir, bool tied = true)
    {
        using var model = TestModels.CausalLM(TestModels.Tiny(tied: tied));
        LlamaCheckpoint.Save(model, dir.Path);
        return dir.Path;
    }

    static void EditConfig(TempFolder dir, Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(File.ReadAllText(dir["config.json"]))!.AsObject();
        edit(json);
        File.WriteAllText(dir["config.json"], json.ToJsonString());
    }

    [Fact]
    public void ConfigMissingARequiredFieldNamesFileAndField()
    {
        using var dir = new TempFolder();
        SavedTiny(dir);
        EditConfig(dir, j => j.Remove("hidden_size"));
        var e = Assert.Throws<TtLoraException>(() => LlamaCheckpoint.LoadCausalLM(dir.Path));
        Assert.Contains("config.json", e.Message);
        Assert.Contains("\"hidden_size\" is missing", e.Message);
    }

    [Fact]
    public void ConfigFieldOfTheWrongTypeIsNamed()
    {
        using var dir = new TempFolder();
        SavedTiny(dir);
        EditConfig(dir, j => j["num_hidden_layers"] = "two");
        var e = Assert.Throws<TtLoraException>(() => LlamaCheckpoint.LoadCausalLM(dir.Path));
        Assert.Contains("\"num_hidden_layers\" must be an integer", e.Message);
    }

    [Fact]
    public void ShapeMismatchBetweenConfigAndWeightsNamesTensorAndShapes()
    {
        using var dir = new TempFolder();
        SavedTiny(dir);
        EditConfig(dir, j => j["intermediate_size"] = 96);
        var e = Assert.Throws<TtLoraException>(() => LlamaCheckpoint.LoadCausalLM(dir.Path));
        Assert.Contains("model.safetensors", e.Message);
        Assert.Contains("mlp.gate_proj.weight\" has shape [80,32] but config.json implies [96,32]", e.Message);
    }

    [Fact]
    public void MissingAndUnexpectedKeysAreListed()
    {
        using var dir = new TempFolder();
        SavedTiny(dir);
        EditConfig(dir, j => { j["num_hidden_layers"] = 3; });
        var e = Assert.Throws<TtLoraException>(() => LlamaCheckpoint.LoadCausalLM(dir.Path));
        Assert.Contains("missing 9 key(s): model.layers.2.", e.Message);

        using var untied = new TempFolder();
        SavedTiny(untied, tied: false);
        EditConfig(untied, j => j["tie_word_embeddings"] = true);
        // A tied config with an lm_head tensor is accepted (transformers ignores it too).
        using var ok = LlamaCheckpoint.LoadCausalLM(untied.Path);
        EditConfig(untied, j => { j["tie_word_embeddings"] = true; j["num_hidden_layers"] = 1; });
        var e2 = Assert.Throws<TtLoraException>(() => LlamaCheckpoint.LoadCausalLM(untied.Path));
        Assert.Contains("unexpected 9 key(s): model.layers.1.", e2.Message);
    }

    [Fact]
    public void MissingFolderOrWeightsAreNamed()
    {
        using var dir = new TempFolder();
        var e = Assert.Throws<TtLoraException>(() => LlamaCheckpoint.LoadCausalLM(dir["nope"]));
        Assert.Contains("nope", e.Message);
        SavedTiny(dir);
        File.Delete(dir["model.safetensors"]);
        var e2 = Assert.Throws<TtLoraException>(() => LlamaCheckpoint.LoadCausalLM(dir.Path));
        Assert.Contains("model.safetensors", e2.Message);
    }

    [Fact]
    public void UnsupportedArchitecturesAndRopeTypesAreRefused()
    {
        using var dir = new TempFolder();
        SavedTiny(dir);
        EditConfig(dir, j => j["model_type"] = "gpt2");
        Assert.Contains("\"model_type\" is \"gpt2\"", Assert.Throws<TtLoraException>(() => LlamaCheckpoint.LoadCausalLM(dir.Path)).Message);
        EditConfig(dir, j => { j["model_type"] = "llama"; j["rope_scaling"] = new JsonObject { ["rope_type"] = "yarn", ["factor"] = 4.0 }; });
        Assert.Contains("rope_scaling.rope_type\" is \"yarn\"", Assert.Throws<TtLoraException>(() => LlamaCheckpoint.LoadCausalLM(dir.Path)).Message);
    }
}

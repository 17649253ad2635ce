using System.Text.Json.Nodes;
using TtLora.Core.Adapters;
using TtLora.Core.Formats;
using TtLora.Core.Models;

namespace TtLora.Core.Tests.Adapters;

public class AdapterFilesTests
{
    public static TheoryData<string, bool> Kinds => new()
    {
        { "lora", false }, { "lora", true }, { "tt", false }, { "tt", true }, { "bottleneck", false }, { "bottleneck", true },
    };

    static AdapterConfig ConfigFor(string kind, bool head)
    {
        IReadOnlyList<string>? save = head ? ["score"] : null;
        return kind switch
        {
            "lora" => new LoraConfig { R = 4, LoraAlpha = 16, LoraDropout = 0.1, TargetModules = ["q_proj", "v_proj", "down_proj"], ModulesToSave = save },
            "tt" => new TtLoraConfig { R = 3, Alpha = 8, ModulesToSave = save, LayersToTransform = [1] },
            _ => new BottleneckConfig { ReductionFactor = 8, ModulesToSave = save },
        };
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void SaveThenLoadGivesIdenticalTensorsAndLogits(string kind, bool head)
    {
        using var dir = new TempFolder();
        using var ids = AdapterTestModels.Ids();
        using var trained = AdapterTestModels.Classifier(seed: 1);
        var injector = new AdapterInjector(trained);
        var config = ConfigFor(kind, head);
        injector.Inject(config, seed: 5);
        // Stand-in for training: every trainable value (adapter, and head when trained) moves.
        AdapterTestModels.Randomize(injector.TrainableParameters().Select(p => p.Parameter), seed: 6);
        using var expected = AdapterTestModels.Logits(trained, ids);
        AdapterFiles.Save(dir.Path, trained, config);

        using var fresh = AdapterTestModels.Classifier(seed: 1);
        if (head) AdapterTestModels.Randomize([fresh.Score.weight!], seed: 99); // the saved head must replace this one
        var attachment = AdapterFiles.LoadInto(dir.Path, fresh);
        using var actual = AdapterTestModels.Logits(fresh, ids);
        Assert.True(TestModels.Same(expected, actual));

        var saved = trained.state_dict();
        var loaded = fresh.state_dict();
        Assert.Equal(saved.Keys.Order(), loaded.Keys.Order());
        foreach (var (key, value) in saved) Assert.True(TestModels.Same(value, loaded[key]), key);
        Assert.Equal(injector.AdaptedModules.Select(m => m.Path), attachment.Modules);
        // Loaded adapters are for inference unless asked otherwise.
        Assert.All(fresh.parameters(), p => Assert.False(p.requires_grad));
    }

    [Fact]
    public void LoadingTrainableLeavesAdapterAndHeadTrainable()
    {
        using var dir = new TempFolder();
        using var model = AdapterTestModels.Classifier();
        var config = new LoraConfig { R = 2, ModulesToSave = ["score"] };
        new AdapterInjector(model).Inject(config);
        AdapterFiles.Save(dir.Path, model, config);
        using var fresh = AdapterTestModels.Classifier();
        AdapterFiles.LoadInto(dir.Path, fresh, "task", trainable: true);
        var injector = new AdapterInjector(fresh);
        Assert.Equal(AdapterPlanner.Plan(fresh.Config, config, 3).TrainableParameters, injector.TrainableParameterCount);
        Assert.Contains(injector.TrainableParameters(), p => p.Name == "model.layers.0.self_attn.q_proj.adapters.task.lora_A.weight");
    }

    [Fact]
    public void LoraIsSavedInPeftsExactLayout()
    {
        using var dir = new TempFolder();
        using var model = AdapterTestModels.Classifier();
        var config = new LoraConfig { R = 4, LoraAlpha = 8, LoraDropout = 0.05, BaseModelNameOrPath = "tiny-llama" };
        new AdapterInjector(model).Inject(config);
        AdapterFiles.Save(dir.Path, model, config);

        var json = JsonNode.Parse(File.ReadAllText(dir["adapter_config.json"]))!.AsObject();
        Assert.Equal("LORA", (string?)json["peft_type"]);
        Assert.Equal(4, (int?)json["r"]);
        Assert.Equal(8.0, (double?)json["lora_alpha"]);
        Assert.Equal(0.05, (double?)json["lora_dropout"]);
        Assert.Equal(["q_proj", "v_proj"], json["target_modules"]!.AsArray().Select(n => (string?)n));
        Assert.Equal("none", (string?)json["bias"]);
        Assert.Equal("SEQ_CLS", (string?)json["task_type"]);
        Assert.Equal("tiny-llama", (string?)json["base_model_name_or_path"]);
        Assert.Equal(false, (bool?)json["fan_in_fan_out"]);
        Assert.Equal(true, (bool?)json["inference_mode"]);
        Assert.Equal(true, (bool?)json["init_lora_weights"]);
        Assert.Equal(false, (bool?)json["use_rslora"]);
        Assert.Equal(false, (bool?)json["use_dora"]);
        Assert.Empty(json["rank_pattern"]!.AsObject());
        Assert.Empty(json["alpha_pattern"]!.AsObject());
        foreach (var nullKey in new[] { "modules_to_save", "layers_to_transform", "layers_pattern", "revision" })
        {
            Assert.True(json.ContainsKey(nullKey), nullKey);
            Assert.Null(json[nullKey]);
        }
        // PEFT writes keys sorted.
        Assert.Equal(json.Select(kv => kv.Key).Order(StringComparer.Ordinal), json.Select(kv => kv.Key));

        using var file = SafeTensorsFile.Open(dir["adapter_model.safetensors"]);
        string[] expectedKeys =
        [
            "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight",
            "base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight", "base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight",
            "base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight", "base_model.model.model.layers.1.self_attn.q_proj.lora_B.weight",
            "base_model.model.model.layers.1.self_attn.v_proj.lora_A.weight", "base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight",
        ];
        Assert.Equal(expectedKeys.Order(StringComparer.Ordinal), file.Names.Order(StringComparer.Ordinal));
        Assert.Equal([4, 32], file.Info("base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight").Shape);
        Assert.Equal([16, 4], file.Info("base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight").Shape);
        Assert.Equal("pt", file.Metadata["format"]);
    }

    [Fact]
    public void TtLoraConfigCarriesFactorsPerModuleAndCoresKeys()
    {
        using var dir = new TempFolder();
        using var model = AdapterTestModels.Classifier();
        var config = new TtLoraConfig { R = 2, ModulesToSave = ["score"] };
        new AdapterInjector(model).Inject(config);
        var written = (TtLoraConfig)AdapterFiles.Save(dir.Path, model, config);

        var json = JsonNode.Parse(File.ReadAllText(dir["adapter_config.json"]))!.AsObject();
        Assert.Equal("TTLORA", (string?)json["peft_type"]);
        Assert.Equal(16.0, (double?)json["alpha"]);
        Assert.Equal(2, (int?)json["r"]);
        Assert.Equal(32, (int?)json["hidden_size"]);
        Assert.Equal("direct", (string?)json["init"]);
        Assert.Equal(["score"], json["modules_to_save"]!.AsArray().Select(n => (string?)n));
        var q = written.InputFactors["q_proj"];
        Assert.Equal(q, json["input_factors"]!["q_proj"]!.AsArray().Select(n => (int)n!));
        Assert.Equal(32, written.InputFactors["v_proj"].Aggregate(1, (a, b) => a * b));
        Assert.Equal(16, written.OutputFactors["v_proj"].Aggregate(1, (a, b) => a * b));

        using var file = SafeTensorsFile.Open(dir["adapter_model.safetensors"]);
        var shape = written.ShapeFor(LlamaAdapterSites.Enumerate(model.Config).First(s => s.Path == "model.layers.1.self_attn.v_proj"), "v_proj");
        for (int k = 0; k < shape.CoreCount; k++)
            Assert.Equal(shape.CoreShape(k), file.Info($"base_model.model.model.layers.1.self_attn.v_proj.tt_cores.{k}").Shape);
        Assert.Equal([3, 32], file.Info("base_model.model.score.weight").Shape);
        var qShape = written.ShapeFor(LlamaAdapterSites.Enumerate(model.Config).First(s => s.Path == "model.layers.0.self_attn.q_proj"), "q_proj");
        Assert.Equal(2 * (qShape.CoreCount + shape.CoreCount) + 1, file.Names.Count);
    }

    [Fact]
    public void BottleneckKeysAreNamedAfterTheFeedForwardBlock()
    {
        using var dir = new TempFolder();
        using var model = AdapterTestModels.CausalLM();
        var config = new BottleneckConfig { ReductionFactor = 8, TaskType = AdapterConfig.CausalLM };
        new AdapterInjector(model).Inject(config);
        AdapterFiles.Save(dir.Path, model, config);
        using var file = SafeTensorsFile.Open(dir["adapter_model.safetensors"]);
        Assert.Equal([4, 32], file.Info("base_model.model.model.layers.0.mlp.adapter_down.weight").Shape);
        Assert.Equal([4], file.Info("base_model.model.model.layers.0.mlp.adapter_down.bias").Shape);
        Assert.Equal([32, 4], file.Info("base_model.model.model.layers.1.mlp.adapter_up.weight").Shape);
        Assert.Equal([32], file.Info("base_model.model.model.layers.1.mlp.adapter_up.bias").Shape);
        var json = JsonNode.Parse(File.ReadAllText(dir["adapter_config.json"]))!.AsObject();
        Assert.Equal("BOTTLENECK", (string?)json["peft_type"]);
        Assert.Equal(4, (int?)json["bottleneck_size"]);
        Assert.Equal("relu", (string?)json["non_linearity"]);
        Assert.Equal("CAUSAL_LM", (string?)json["task_type"]);
    }

    /// <summary>
    /// An adapter folder assembled by hand from PEFT's documented layout (no code of ours names the keys): a
    /// SEQ_CLS LoRA on q_proj and v_proj with the head saved, as PEFT 0.13+ writes it. Applying it must equal adding
    /// (alpha/r) B A to each base weight and replacing the head.
    /// </summary>
    [Fact]
    public void PeftWrittenLoraLoadsAndActsAsPeftDefinesIt()
    {
        using var dir = new TempFolder();
        const int r = 2;
        const double alpha = 6; // scaling 3
        File.WriteAllText(dir["adapter_config.json"], """
            {
              "alpha_pattern": {},
              "auto_mapping": null,
              "base_model_name_or_path": "some/llama",
              "bias": "none",
              "eva_config": null,
              "exclude_modules": null,
              "fan_in_fan_out": false,
              "inference_mode": true,
              "init_lora_weights": true,
              "layer_replication": null,
              "layers_pattern": null,
              "layers_to_transform": null,
              "loftq_config": {},
              "lora_alpha": 6,
              "lora_bias": false,
              "lora_dropout": 0.05,
              "megatron_config": null,
              "megatron_core": "megatron.core",
              "modules_to_save": ["classifier", "score"],
              "peft_type": "LORA",
              "peft_version": "0.17.1",
              "r": 2,
              "rank_pattern": {},
              "revision": null,
              "target_modules": ["v_proj", "q_proj"],
              "task_type": "SEQ_CLS",
              "use_dora": false,
              "use_rslora": false
            }
            """);
        var generator = new torch.Generator(21);
        var tensors = new Dictionary<string, Tensor>();
        foreach (var layer in new[] { 0, 1 })
        {
            foreach (var (proj, outFeatures) in new[] { ("q_proj", 32), ("v_proj", 16) })
            {
                tensors[$"base_model.model.model.layers.{layer}.self_attn.{proj}.lora_A.weight"] = torch.randn(r, 32, generator: generator);
                tensors[$"base_model.model.model.layers.{layer}.self_attn.{proj}.lora_B.weight"] = torch.randn(outFeatures, r, generator: generator) * 0.1;
            }
        }
        tensors["base_model.model.score.weight"] = torch.randn(3, 32, generator: generator);
        SafeTensorsWriter.Write(dir["adapter_model.safetensors"], tensors.Select(kv => (kv.Key, kv.Value)), new Dictionary<string, string> { ["format"] = "pt" });

        using var ids = AdapterTestModels.Ids();
        using var reference = AdapterTestModels.Classifier(seed: 2);
        using (torch.no_grad())
        {
            var state = reference.state_dict();
            foreach (var layer in new[] { 0, 1 })
            {
                foreach (var proj in new[] { "q_proj", "v_proj" })
                {
                    var a = tensors[$"base_model.model.model.layers.{layer}.self_attn.{proj}.lora_A.weight"];
                    var b = tensors[$"base_model.model.model.layers.{layer}.self_attn.{proj}.lora_B.weight"];
                    state[$"model.layers.{layer}.self_attn.{proj}.weight"].add_(b.matmul(a) * (alpha / r));
                }
            }
            state["score.weight"].copy_(tensors["base_model.model.score.weight"]);
        }
        using var expected = AdapterTestModels.Logits(reference, ids);

        using var model = AdapterTestModels.Classifier(seed: 2);
        using var baseLogits = AdapterTestModels.Logits(model, ids);
        var attachment = AdapterFiles.LoadInto(dir.Path, model);
        using var actual = AdapterTestModels.Logits(model, ids);
        Assert.True(AdapterTestModels.MaxAbsDiff(baseLogits, actual) > 1e-2);
        Assert.True(AdapterTestModels.MaxAbsDiff(expected, actual) < 1e-4);
        var lora = (LoraConfig)attachment.Config;
        Assert.Equal(3.0, ((LoraAdapter)new AdapterInjector(model).AdaptedModules[0].GetAdapter("default")).Scaling);
        Assert.Equal(["classifier", "score"], lora.ModulesToSave);
        foreach (var t in tensors.Values) t.Dispose();
    }

    [Fact]
    public void FactorsThatDoNotMultiplyToTheFeaturesAreReportedWithTheFile()
    {
        using var dir = SavedTt(out _);
        EditConfig(dir, json => json["input_factors"]!["q_proj"] = new JsonArray(4, 4, 4));
        using var model = AdapterTestModels.Classifier();
        // The redundant tt_shape no longer agrees with the factors.
        var error = Assert.Throws<TtLoraException>(() => AdapterFiles.LoadInto(dir.Path, model));
        Assert.Contains("adapter_config.json: tt_shape.q_proj [4,4,2,2,4,4] does not equal input_factors ++ reverse(output_factors) = [4,4,4,2,4,4]", error.Message);

        EditConfig(dir, json => json.Remove("tt_shape"));
        error = Assert.Throws<TtLoraException>(() => AdapterFiles.LoadInto(dir.Path, model));
        Assert.StartsWith(dir["adapter_config.json"], error.Message);
        Assert.Contains("input_factors [4,4,4] multiply to 64 but model.layers.0.self_attn.q_proj has in_features 32", error.Message);
        Assert.Empty(new AdapterInjector(model).AdaptedModules);
    }

    [Fact]
    public void ATargetModuleThatDoesNotExistIsReportedWithTheFile()
    {
        using var dir = SavedTt(out _);
        EditConfig(dir, json => json["target_modules"] = new JsonArray("q_proj", "query_key_value"));
        using var model = AdapterTestModels.Classifier();
        var error = Assert.Throws<TtLoraException>(() => AdapterFiles.LoadInto(dir.Path, model));
        Assert.StartsWith(dir["adapter_config.json"], error.Message);
        Assert.Contains("target module \"query_key_value\" matches no module", error.Message);
        Assert.Contains("available modules: q_proj", error.Message);
    }

    [Fact]
    public void RankZeroInTheFileIsReported()
    {
        using var dir = new TempFolder();
        using var model = AdapterTestModels.Classifier();
        var config = new LoraConfig { R = 2 };
        new AdapterInjector(model).Inject(config);
        AdapterFiles.Save(dir.Path, model, config);
        EditConfig(dir, json => json["r"] = 0);
        var error = Assert.Throws<TtLoraException>(() => AdapterFiles.Load(dir.Path));
        Assert.Equal($"{dir["adapter_config.json"]}: field \"r\" is 0; the LoRA rank must be at least 1", error.Message);
    }

    [Fact]
    public void AnAdapterForAnotherHiddenSizeIsReported()
    {
        using var dir = new TempFolder();
        using var wide = new LlamaForSequenceClassification(ModelPresets.Get("tiny"), 3); // hidden 64
        var tt = new TtLoraConfig { R = 2 };
        new AdapterInjector(wide).Inject(tt);
        AdapterFiles.Save(dir.Path, wide, tt);
        using var model = AdapterTestModels.Classifier(); // hidden 32
        var error = Assert.Throws<TtLoraException>(() => AdapterFiles.LoadInto(dir.Path, model));
        Assert.Equal($"{dir["adapter_config.json"]}: the adapter was trained for hidden size 64 but the model has 32", error.Message);

        using var loraDir = new TempFolder();
        var lora = new LoraConfig { R = 2 };
        new AdapterInjector(wide).Inject(lora, "lora");
        AdapterFiles.Save(loraDir.Path, wide, lora, "lora");
        error = Assert.Throws<TtLoraException>(() => AdapterFiles.LoadInto(loraDir.Path, model));
        Assert.StartsWith(loraDir["adapter_model.safetensors"], error.Message);
        Assert.Contains("has shape [2,64] but model.layers.0.self_attn.q_proj needs [2,32] (the adapter was trained for hidden size 64 but the model has 32)", error.Message);
    }

    [Fact]
    public void ACorruptOrTruncatedWeightsFileIsReportedByTheReader()
    {
        using var dir = SavedTt(out _);
        var weights = dir["adapter_model.safetensors"];
        var bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..(bytes.Length - 10)]);
        var error = Assert.Throws<TtLoraException>(() => AdapterFiles.Load(dir.Path));
        Assert.StartsWith(weights, error.Message);

        File.WriteAllBytes(weights, [1, 2, 3]);
        error = Assert.Throws<TtLoraException>(() => AdapterFiles.Load(dir.Path));
        Assert.Equal($"{weights}: file is 3 bytes, shorter than the 8-byte header length that starts every safetensors file", error.Message);

        File.WriteAllText(dir["adapter_config.json"], "{ not json");
        error = Assert.Throws<TtLoraException>(() => AdapterFiles.Load(dir.Path));
        Assert.StartsWith($"{dir["adapter_config.json"]}: not valid JSON", error.Message);
    }

    [Fact]
    public void MissingUnexpectedAndMisshapenTensorsAreReported()
    {
        using var dir = SavedTt(out var config);
        using var model = AdapterTestModels.Classifier();
        var weights = dir["adapter_model.safetensors"];
        using (var checkpoint = RawTensors.Read(weights))
        {
            var kept = checkpoint.Tensors.Where(kv => !kv.Key.EndsWith("layers.1.self_attn.q_proj.tt_cores.0")).ToList();
            SafeTensorsWriter.Write(weights, kept.Select(kv => (kv.Key, kv.Value)));
        }
        var error = Assert.Throws<TtLoraException>(() => AdapterFiles.LoadInto(dir.Path, model));
        Assert.Contains("missing tensor \"base_model.model.model.layers.1.self_attn.q_proj.tt_cores.0\"", error.Message);

        using (var checkpoint = RawTensors.Read(weights))
        {
            var more = checkpoint.Tensors.Select(kv => (kv.Key, kv.Value)).Append(("base_model.model.model.layers.1.self_attn.q_proj.tt_cores.0", torch.zeros(1, 4, 2)))
                .Append(("base_model.model.model.layers.0.self_attn.k_proj.tt_cores.0", torch.zeros(1, 4, 2))).ToList();
            SafeTensorsWriter.Write(weights, more);
        }
        error = Assert.Throws<TtLoraException>(() => AdapterFiles.LoadInto(dir.Path, model));
        Assert.Contains("1 tensor(s) belong to no module the config selects", error.Message);
        Assert.Contains("layers.0.self_attn.k_proj.tt_cores.0", error.Message);

        using var twoLabels = AdapterTestModels.Classifier(labels: 2);
        using (var checkpoint = RawTensors.Read(weights))
        {
            var fixedUp = checkpoint.Tensors.Where(kv => !kv.Key.Contains("k_proj")).Select(kv => (kv.Key, kv.Value)).ToList();
            SafeTensorsWriter.Write(weights, fixedUp);
        }
        error = Assert.Throws<TtLoraException>(() => AdapterFiles.LoadInto(dir.Path, twoLabels));
        Assert.Contains("the adapter's classification head has 3 labels but the model's has 2", error.Message);
        Assert.Empty(new AdapterInjector(twoLabels).AdaptedModules);
    }

    static TempFolder SavedTt(out TtLoraConfig written)
    {
        var dir = new TempFolder();
        using var model = AdapterTestModels.Classifier();
        var config = new TtLoraConfig { R = 2, ModulesToSave = ["score"] };
        new AdapterInjector(model).Inject(config, seed: 1);
        written = (TtLoraConfig)AdapterFiles.Save(dir.Path, model, config);
        return dir;
    }

    static void EditConfig(TempFolder dir, Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(File.ReadAllText(dir["adapter_config.json"]))!.AsObject();
        edit(json);
        File.WriteAllText(dir["adapter_config.json"], json.ToJsonString());
    }
}

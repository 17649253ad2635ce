using TtLora.Core.Adapters;
using TtLora.Core.Formats;
using TtLora.Core.Models;
using TtLora.Core.Registry;
using TtLora.Core.Routing;

namespace TtLora.Core.Tests.Adapters;

/// <summary>
/// One reader serves every path that opens an adapter folder, so a broken folder gives the same error whether it is
/// attached to a model (<c>generate --adapter</c>, <c>predict</c>), mixed with other experts (<c>route-train</c>,
/// <c>eval</c>) or inspected without a model (<c>show</c>).
/// </summary>
public class BrokenAdapterFolderTests
{
    static string Fixture(string name) => Path.Combine(TestPaths.RepositoryRoot, "tests", "fixtures", "adapters", name);

    public static TheoryData<string, string, string> Breakages => new()
    {
        { "tt-lora", "no config", "adapter config not found" },
        { "lora", "config not JSON", "not valid JSON" },
        { "lora", "unknown peft_type", "field \"peft_type\" is \"IA3\"; supported: TTLORA, LORA, BOTTLENECK, PARALLEL" },
        { "tt-lora", "truncated weights", "adapter_model.safetensors" },
        { "lora", "missing tensor", "missing tensor \"base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight\": a LORA adapter at model.layers.1.self_attn.v_proj has lora_A.weight, lora_B.weight" },
        { "tt-lora", "misshapen core", "tensor \"base_model.model.model.layers.0.mlp.down_proj.tt_cores.1\" has shape [3,4,2] but model.layers.0.mlp.down_proj needs [3,4,3]" },
        { "bottleneck", "extra tensor", "1 tensor(s) belong to no module the config selects (target_modules [mlp], layers_to_transform all): base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight" },
    };

    [Theory]
    [MemberData(nameof(Breakages))]
    public void EveryPathReportsTheSameError(string kind, string breakage, string expected)
    {
        using var dir = new TempFolder();
        var registry = new ExpertRegistry(Path.Combine(dir.Path, "registry"));
        string good = Copy(Fixture("tt-lora"), registry.PathOf("good"));
        string broken = Copy(Fixture(kind), registry.PathOf("broken"));
        string fingerprint = ModelFingerprint.Compute(Fixture("base"));
        WriteManifest(good, "good", "task-a", fingerprint);
        WriteManifest(broken, "broken", "task-b", fingerprint);
        Break(broken, breakage);

        using var model = LlamaCheckpoint.LoadClassifier(Fixture("base"));
        var loading = Assert.Throws<TtLoraException>(() => AdapterFiles.LoadInto(broken, model)).Message;
        var mixing = Assert.Throws<TtLoraException>(() => ExpertMixture.Load(registry, ["good", "broken"], Fixture("base")).Dispose()).Message;
        var showing = Assert.Throws<TtLoraException>(() => AdapterInspector.Inspect(broken)).Message;
        Assert.Contains(expected, loading);
        Assert.StartsWith(broken, loading);
        // A folder without its config is not a whole expert: the registry itself reports it before any adapter is read.
        if (breakage == "no config") Assert.Contains($"whose folder {broken} is broken: missing {AdapterFiles.ConfigFileName}", mixing);
        else Assert.Equal(loading, mixing);
        Assert.Equal(loading, showing);
        Assert.Empty(new AdapterInjector(model).AdaptedModules);
    }

    static string Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        return to;
    }

    static void WriteManifest(string folder, string name, string task, string fingerprint) => new ExpertManifest
    {
        Name = name, Task = task, Labels = ["a", "b", "c"], AdapterKind = "tt-lora", TrainableParameters = 1,
        BaseModel = Fixture("base"), BaseModelFingerprint = fingerprint,
    }.Save(folder);

    static void Break(string folder, string breakage)
    {
        string config = Path.Combine(folder, AdapterFiles.ConfigFileName), weights = Path.Combine(folder, AdapterFiles.WeightsFileName);
        switch (breakage)
        {
            case "no config":
                File.Delete(config);
                break;
            case "config not JSON":
                File.WriteAllText(config, File.ReadAllText(config)[..40]);
                break;
            case "unknown peft_type":
                File.WriteAllText(config, File.ReadAllText(config).Replace("\"LORA\"", "\"IA3\""));
                break;
            case "truncated weights":
                var bytes = File.ReadAllBytes(weights);
                File.WriteAllBytes(weights, bytes[..(bytes.Length - 100)]);
                break;
            default:
                using (var raw = RawTensors.Read(weights))
                {
                    var tensors = raw.Tensors.Select(kv => (kv.Key, kv.Value)).ToList();
                    if (breakage == "missing tensor")
                        tensors.RemoveAll(t => t.Key == "base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight");
                    else if (breakage == "misshapen core")
                    {
                        int i = tensors.FindIndex(t => t.Key == "base_model.model.model.layers.0.mlp.down_proj.tt_cores.1");
                        tensors[i] = (tensors[i].Key, torch.zeros(3, 4, 2));
                    }
                    else
                        tensors.Add(("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", torch.zeros(4, 32)));
                    SafeTensorsWriter.Write(weights, tensors);
                }
                break;
        }
    }
}

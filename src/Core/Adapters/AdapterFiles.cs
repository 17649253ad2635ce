using TtLora.Core.Formats;
using TtLora.Core.Models;
using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>
/// Adapter folders: <c>adapter_config.json</c> + <c>adapter_model.safetensors</c>, in Hugging Face PEFT's layout.
/// Keys are <c>base_model.model.</c> + the module's name + the adapter's parameter name, without the in-memory
/// adapter name (PEFT strips <c>default</c>):
/// <list type="bullet">
/// <item>LoRA: <c>base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight</c> <c>[r, in]</c> and
/// <c>...lora_B.weight</c> <c>[out, r]</c>.</item>
/// <item>TT-LoRA: <c>base_model.model.model.layers.N.self_attn.q_proj.tt_cores.K</c> <c>[r_K, n_K, r_{K+1}]</c>.</item>
/// <item>Bottleneck: <c>base_model.model.model.layers.N.mlp.adapter_down.weight</c> <c>[b, hidden]</c>,
/// <c>.adapter_down.bias</c> <c>[b]</c>, <c>.adapter_up.weight</c> <c>[hidden, b]</c>, <c>.adapter_up.bias</c> <c>[hidden]</c>.</item>
/// <item>A trained classification head (<c>modules_to_save: ["score"]</c>): <c>base_model.model.score.weight</c>
/// <c>[labels, hidden]</c> — PEFT's <c>score.modules_to_save.default.weight</c> with <c>modules_to_save.</c> and the
/// adapter name stripped, as PEFT saves it.</item>
/// </list>
/// Each file is written atomically (weights first, config last).
/// </summary>
public static class AdapterFiles
{
    /// <summary>The config file's name.</summary>
    public const string ConfigFileName = "adapter_config.json";

    /// <summary>The weights file's name.</summary>
    public const string WeightsFileName = "adapter_model.safetensors";

    /// <summary>Prefix of every key (PEFT's PeftModel and tuner wrappers).</summary>
    public const string KeyPrefix = "base_model.model.";

    /// <summary>Key of a saved classification head.</summary>
    public const string HeadKey = KeyPrefix + AdapterConfig.HeadModule + ".weight";

    /// <summary>The file key of one adapter parameter.</summary>
    public static string Key(string modulePath, string parameterName) => $"{KeyPrefix}{modulePath}.{parameterName}";

    /// <summary>
    /// Writes the adapter named <paramref name="adapterName"/> of <paramref name="model"/> to <paramref name="folder"/>.
    /// The config written is <paramref name="config"/> completed from the attached adapters (TT factors and ranks per
    /// module, bottleneck width, the model's hidden size); it is returned.
    /// </summary>
    public static AdapterConfig Save(string folder, nn.Module model, AdapterConfig config, string adapterName = "default")
    {
        var injector = new AdapterInjector(model);
        var modules = injector.AdaptedModules.Where(m => m.HasAdapter(adapterName)).ToList();
        if (modules.Count == 0)
            throw new TtLoraException($"no adapter named \"{adapterName}\" is attached to the model; attached: {AdapterSet.Describe(injector.AdapterNames)}");
        var resolved = Complete(config, modules, adapterName, injector.Config);
        resolved.Validate("adapter config");

        var selected = AdapterTargets.Select(injector.Config, resolved).Select(t => t.Site.Path).ToList();
        var attached = modules.Select(m => m.Path).ToList();
        if (!selected.SequenceEqual(attached))
            throw new TtLoraException(
                $"the config's targets {resolved.TargetsDescription} select {selected.Count} module(s) but adapter \"{adapterName}\" is attached to {attached.Count}; " +
                $"first difference: {selected.Except(attached).Concat(attached.Except(selected)).FirstOrDefault()}");

        using var scope = NewDisposeScope();
        var tensors = new List<(string, Tensor)>();
        foreach (var module in modules)
            foreach (var (name, parameter) in module.GetAdapter(adapterName).FileParameters())
                tensors.Add((Key(module.Path, name), parameter.detach()));
        if (resolved.TrainsHead)
        {
            if (model is not LlamaForSequenceClassification classifier)
                throw new TtLoraException($"modules_to_save names \"{AdapterConfig.HeadModule}\" but a {model.GetType().Name} has no classification head");
            tensors.Add((HeadKey, classifier.Score.weight!.detach()));
        }

        Directory.CreateDirectory(folder);
        SafeTensorsWriter.Write(Path.Combine(folder, WeightsFileName), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        AtomicFile.WriteAllText(Path.Combine(folder, ConfigFileName), resolved.ToJsonText());
        return resolved;
    }

    /// <summary>Reads an adapter folder. Missing, malformed or truncated files are reported with their path.</summary>
    public static AdapterCheckpoint Load(string folder)
    {
        if (!Directory.Exists(folder)) throw TtLoraException.InFile(folder, "adapter folder not found");
        var config = AdapterConfig.Load(Path.Combine(folder, ConfigFileName));
        var weightsPath = Path.Combine(folder, WeightsFileName);
        if (!File.Exists(weightsPath))
        {
            if (File.Exists(Path.Combine(folder, "adapter_model.bin")))
                throw TtLoraException.InFile(folder, "has adapter_model.bin (a pickle) but no adapter_model.safetensors; only safetensors weights are read");
            throw TtLoraException.InFile(weightsPath, "adapter weights not found");
        }
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            using var file = SafeTensorsFile.Open(weightsPath);
            foreach (var name in file.Names) tensors[name] = file.Load(name);
        }
        catch
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
            throw;
        }
        return new AdapterCheckpoint(folder, config, tensors);
    }

    /// <summary>Reads an adapter folder and attaches it to <paramref name="model"/> (see <see cref="Apply"/>).</summary>
    public static AdapterAttachment LoadInto(string folder, nn.Module model, string adapterName = "default", bool trainable = false)
    {
        using var checkpoint = Load(folder);
        return Apply(checkpoint, model, adapterName, trainable);
    }

    /// <summary>
    /// Attaches a read adapter to <paramref name="model"/> under <paramref name="adapterName"/> and activates it. Everything
    /// is checked before the model changes: hidden size, target modules, TT factors against the modules' features,
    /// every tensor's presence and shape, no unused tensors, the head's shape. A saved head is copied into the model's
    /// <c>score</c>. With <paramref name="trainable"/> the adapter (and a saved head) are left trainable and everything
    /// else frozen; otherwise the whole model is frozen.
    /// </summary>
    public static AdapterAttachment Apply(AdapterCheckpoint checkpoint, nn.Module model, string adapterName = "default", bool trainable = false)
    {
        var injector = new AdapterInjector(model);
        var config = checkpoint.Config;
        int hidden = injector.Config.HiddenSize;
        int? trainedFor = config switch { TtLoraConfig tt => tt.HiddenSize, BottleneckConfig bn => bn.HiddenSize, _ => null };
        if (trainedFor is int trained && trained != hidden)
            throw TtLoraException.InFile(checkpoint.ConfigPath, $"the adapter was trained for hidden size {trained} but the model has {hidden}");

        IReadOnlyList<AdapterTarget> targets;
        try
        {
            targets = AdapterTargets.Select(injector.Config, config);
        }
        catch (TtLoraException e)
        {
            throw TtLoraException.InFile(checkpoint.ConfigPath, e.Message);
        }

        // Loaded values replace the initial ones, so skip the costly TT-SVD initialisation.
        var builder = config is TtLoraConfig ttConfig ? ttConfig with { Init = TensorTrains.TtInitialization.Direct } : config;
        var used = new HashSet<string>(StringComparer.Ordinal);
        var adapters = new List<Adapter>(targets.Count);
        try
        {
            using (torch.no_grad())
            {
                foreach (var (site, target) in targets)
                {
                    Adapter adapter;
                    var (device, dtype) = injector.PlacementOf(site);
                    try
                    {
                        // Values are overwritten from the file; a fixed seed keeps the throwaway initialisation cheap and deterministic.
                        adapter = builder.CreateAdapter(site, target, seed: 0, dtype, device);
                    }
                    catch (TtLoraException e)
                    {
                        throw TtLoraException.InFile(checkpoint.ConfigPath, e.Message + HiddenHint(site, hidden, config));
                    }
                    adapters.Add(adapter);
                    foreach (var (name, parameter) in adapter.FileParameters())
                    {
                        var key = Key(site.Path, name);
                        if (!checkpoint.Tensors.TryGetValue(key, out var stored))
                            throw TtLoraException.InFile(checkpoint.WeightsPath,
                                $"missing tensor \"{key}\": the config's {config.PeftType} adapter at {site.Path} needs {Format(parameter.shape)}");
                        if (!stored.shape.SequenceEqual(parameter.shape))
                            throw TtLoraException.InFile(checkpoint.WeightsPath,
                                $"tensor \"{key}\" has shape {Format(stored.shape)} but {site.Path} needs {Format(parameter.shape)}{ShapeHint(stored.shape, parameter.shape, hidden)}");
                        parameter.copy_(stored);
                        used.Add(key);
                    }
                }
            }
            CheckHead(checkpoint, model, used);
            var unused = checkpoint.Tensors.Keys.Where(k => !used.Contains(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
            if (unused.Count > 0)
                throw TtLoraException.InFile(checkpoint.WeightsPath,
                    $"{unused.Count} tensor(s) belong to no module the config selects (target_modules {config.TargetsDescription}, " +
                    $"layers_to_transform {(config.LayersToTransform is null ? "all" : "[" + string.Join(",", config.LayersToTransform) + "]")}): " +
                    string.Join(", ", unused.Take(4)) + (unused.Count > 4 ? ", ..." : ""));
            try
            {
                injector.Attach(targets, adapters, adapterName, config);
            }
            catch (TtLoraException e)
            {
                throw TtLoraException.InFile(checkpoint.Folder, e.Message);
            }
        }
        catch
        {
            foreach (var adapter in adapters) adapter.Dispose();
            throw;
        }

        if (checkpoint.Tensors.TryGetValue(HeadKey, out var head))
        {
            using var noGrad = torch.no_grad();
            ((LlamaForSequenceClassification)model).Score.weight!.copy_(head);
        }
        injector.Freeze(trainable ? adapterName : null, trainable && checkpoint.Tensors.ContainsKey(HeadKey));
        return new AdapterAttachment(adapterName, config, targets.Select(t => t.Site.Path).ToArray(), adapters.Sum(a => a.ParameterCount));
    }

    private static void CheckHead(AdapterCheckpoint checkpoint, nn.Module model, HashSet<string> used)
    {
        if (!checkpoint.Tensors.TryGetValue(HeadKey, out var head))
        {
            if (checkpoint.Config.TrainsHead)
                throw TtLoraException.InFile(checkpoint.WeightsPath, $"modules_to_save names \"{AdapterConfig.HeadModule}\" but the file has no \"{HeadKey}\"");
            return;
        }
        if (model is not LlamaForSequenceClassification classifier)
            throw TtLoraException.InFile(checkpoint.WeightsPath, $"the adapter carries a classification head (\"{HeadKey}\") but a {model.GetType().Name} has none");
        var expected = classifier.Score.weight!.shape;
        if (head.dim() != 2 || head.shape[1] != expected[1])
            throw TtLoraException.InFile(checkpoint.WeightsPath,
                $"tensor \"{HeadKey}\" has shape {Format(head.shape)} but the model's head needs {Format(expected)}{ShapeHint(head.shape, expected, (int)expected[1])}");
        if (head.shape[0] != expected[0])
            throw TtLoraException.InFile(checkpoint.WeightsPath,
                $"the adapter's classification head has {head.shape[0]} labels but the model's has {expected[0]}; load the model with {head.shape[0]} labels");
        used.Add(HeadKey);
    }

    // Completes a config with what only the attached adapters know, and checks that the rest agrees with them.
    private static AdapterConfig Complete(AdapterConfig config, IReadOnlyList<AdaptedModule> modules, string adapterName, LlamaConfig model)
    {
        var adapters = modules.Select(m => (m.Path, Name: m.Path[(m.Path.LastIndexOf('.') + 1)..], Adapter: m.GetAdapter(adapterName))).ToList();
        if (adapters.FirstOrDefault(a => a.Adapter.Kind != config.Kind) is { Adapter: not null } wrong)
            throw new TtLoraException($"adapter \"{adapterName}\" at {wrong.Path} is {wrong.Adapter.Kind} but the config is {config.Kind}");
        switch (config)
        {
            case LoraConfig lora:
                foreach (var (path, _, adapter) in adapters)
                {
                    var a = (LoraAdapter)adapter;
                    if (a.Rank != lora.RankFor(path) || a.Alpha != lora.AlphaFor(path) || a.UseRsLora != lora.UseRsLora)
                        throw new TtLoraException($"{path}: the attached LoRA has r={a.Rank}, lora_alpha={a.Alpha}, use_rslora={a.UseRsLora}, " +
                            $"but the config says r={lora.RankFor(path)}, lora_alpha={lora.AlphaFor(path)}, use_rslora={lora.UseRsLora}");
                }
                return lora;
            case TtLoraConfig tt:
            {
                var input = new Dictionary<string, IReadOnlyList<int>>();
                var output = new Dictionary<string, IReadOnlyList<int>>();
                var ranks = new Dictionary<string, IReadOnlyList<int>>();
                foreach (var (path, name, adapter) in adapters)
                {
                    var a = (TtLoraAdapter)adapter;
                    if (a.Alpha != tt.Alpha) throw new TtLoraException($"{path}: the attached TT-LoRA has alpha {a.Alpha} but the config says {tt.Alpha}");
                    if (input.TryGetValue(name, out var known) && (!known.SequenceEqual(a.Shape.InputFactors) || !output[name].SequenceEqual(a.Shape.OutputFactors)))
                        throw new TtLoraException($"{path}: TT shapes of {name} differ between layers; the file format keeps one shape per module name");
                    input[name] = a.Shape.InputFactors;
                    output[name] = a.Shape.OutputFactors;
                    bool uniform = a.Shape.Ranks.Skip(1).SkipLast(1).All(r => r == tt.R);
                    if (!uniform) ranks[name] = a.Shape.Ranks;
                }
                return tt with { InputFactors = input, OutputFactors = output, TtRanks = ranks, HiddenSize = model.HiddenSize };
            }
            case BottleneckConfig bn:
            {
                var first = (BottleneckAdapter)adapters[0].Adapter;
                if (adapters.Select(a => (BottleneckAdapter)a.Adapter).Any(a => a.BottleneckSize != first.BottleneckSize || a.NonLinearity != first.NonLinearity))
                    throw new TtLoraException("bottleneck adapters differ in width or non-linearity between layers; the file format keeps one of each");
                return bn with { BottleneckSize = first.BottleneckSize, NonLinearity = first.NonLinearity, HiddenSize = model.HiddenSize };
            }
            default:
                throw new TtLoraException($"saving {config.Kind} adapters is not supported");
        }
    }

    // A mismatch in a dimension that equals the model's hidden size almost always means a different base model.
    private static string ShapeHint(long[] stored, long[] expected, int hidden)
    {
        if (stored.Length != expected.Length) return "";
        for (int i = 0; i < stored.Length; i++)
            if (stored[i] != expected[i] && expected[i] == hidden)
                return $" (the adapter was trained for hidden size {stored[i]} but the model has {hidden})";
        return "";
    }

    private static string HiddenHint(AdapterSite site, int hidden, AdapterConfig config) =>
        config is TtLoraConfig && (site.InFeatures == hidden || site.OutFeatures == hidden)
            ? $" (was the adapter made for a model with another hidden size than {hidden}?)"
            : "";

    private static string Format(long[] shape) => "[" + string.Join(",", shape) + "]";
}

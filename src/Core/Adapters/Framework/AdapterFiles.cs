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
        if (modules.FirstOrDefault(m => m.GetAdapter(adapterName).Kind != config.Kind) is { } wrong)
            throw new TtLoraException($"adapter \"{adapterName}\" at {wrong.Path} is {wrong.GetAdapter(adapterName).Kind} but the config is {config.Kind}");
        var sites = injector.Sites.ToDictionary(s => s.Path);
        var resolved = config.CompleteFrom([.. modules.Select(m => (sites[m.Path], m.GetAdapter(adapterName)))], injector.Config);
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

    /// <summary>Reads and checks an adapter folder without a base model (see <see cref="AdapterReader"/>).</summary>
    public static AdapterCheckpoint Load(string folder) => AdapterReader.Read(folder);

    /// <summary>
    /// Reads an adapter folder, checks it against <paramref name="model"/> (see <see cref="AdapterReader"/>), and attaches
    /// it under <paramref name="adapterName"/> as the active adapter; nothing changes in the model when a check fails. A
    /// saved head is copied into the model's <c>score</c>. With <paramref name="trainable"/> the adapter (and a saved
    /// head) are left trainable and everything else frozen; otherwise the whole model is frozen.
    /// </summary>
    public static AdapterAttachment LoadInto(string folder, nn.Module model, string adapterName = "default", bool trainable = false)
    {
        var injector = new AdapterInjector(model);
        using var checkpoint = AdapterReader.Read(folder, injector.Config);
        var head = checkpoint.Head;
        if (head is not null)
        {
            if (model is not LlamaForSequenceClassification classifier)
                throw TtLoraException.InFile(checkpoint.WeightsPath, $"the adapter carries a classification head (\"{HeadKey}\") but a {model.GetType().Name} has none");
            if (head.shape[0] != classifier.Score.weight!.shape[0])
                throw TtLoraException.InFile(checkpoint.WeightsPath,
                    $"the adapter's classification head has {head.shape[0]} labels but the model's has {classifier.Score.weight!.shape[0]}; load the model with {head.shape[0]} labels");
        }
        var adapters = new List<Adapter>(checkpoint.Sites.Count);
        try
        {
            foreach (var site in checkpoint.Sites)
            {
                var (device, dtype) = injector.PlacementOf(site.Site);
                adapters.Add(checkpoint.CreateAdapter(site, dtype, device));
            }
            try
            {
                injector.Attach([.. checkpoint.Sites.Select(s => new AdapterTarget(s.Site, s.Target))], adapters, adapterName, checkpoint.Config);
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
        if (head is not null)
        {
            using var noGrad = torch.no_grad();
            ((LlamaForSequenceClassification)model).Score.weight!.copy_(head);
        }
        injector.Freeze(trainable ? adapterName : null, trainable && head is not null);
        return new AdapterAttachment(adapterName, checkpoint.Config, [.. checkpoint.Sites.Select(s => s.Site.Path)], adapters.Sum(a => a.ParameterCount));
    }
}

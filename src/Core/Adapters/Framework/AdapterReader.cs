using System.Globalization;
using System.Text.RegularExpressions;
using TtLora.Core.Formats;
using TtLora.Core.Models;
using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>
/// The one reader of adapter folders (<c>adapter_config.json</c> + <c>adapter_model.safetensors</c>): loading into a
/// model, mixing experts and inspecting all go through it, so a broken folder gives the same error everywhere. It
/// checks everything before a model changes: the config, every tensor's presence and shape against what the config
/// says the adapter at its site has, no unused tensors, the head's shape. With a base model's config the sites are
/// the ones the config's targets select on that model; without one they are read from the tensor keys (for
/// <c>show</c>), with the features each kind reads from its tensors.
/// </summary>
public static partial class AdapterReader
{
    /// <summary>Reads and checks an adapter folder.</summary>
    /// <param name="folder">The adapter (or expert) folder.</param>
    /// <param name="model">The base model's config to check the adapter against, or null to read it alone.</param>
    public static AdapterCheckpoint Read(string folder, LlamaConfig? model = null)
    {
        if (!Directory.Exists(folder))
            throw TtLoraException.InFile(folder, File.Exists(folder) ? "is a file; expected an adapter folder" : "adapter folder not found");
        var configPath = Path.Combine(folder, AdapterFiles.ConfigFileName);
        var config = AdapterConfig.Load(configPath);
        var weightsPath = Path.Combine(folder, AdapterFiles.WeightsFileName);
        if (!File.Exists(weightsPath))
        {
            if (File.Exists(Path.Combine(folder, "adapter_model.bin")))
                throw TtLoraException.InFile(folder, "has adapter_model.bin (a pickle) but no adapter_model.safetensors; only safetensors weights are read");
            throw TtLoraException.InFile(weightsPath, "adapter weights not found");
        }
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            using (var file = SafeTensorsFile.Open(weightsPath))
                foreach (var name in file.Names) tensors[name] = file.Load(name);
            var sites = model is null ? SitesFromKeys(config, tensors, configPath, weightsPath) : SitesOnModel(config, model, tensors, configPath, weightsPath);
            CheckHead(config, tensors, weightsPath, model);
            return new AdapterCheckpoint(folder, config, tensors, sites, model is not null);
        }
        catch
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
            throw;
        }
    }

    static List<AdapterSiteTensors> SitesOnModel(AdapterConfig config, LlamaConfig model, Dictionary<string, Tensor> tensors, string configPath, string weightsPath)
    {
        int hidden = model.HiddenSize;
        try
        {
            config = config.ResolveFor(model);
        }
        catch (TtLoraException e)
        {
            throw TtLoraException.InFile(configPath, e.Message);
        }
        if (config.TrainedHiddenSize is int trained && trained != hidden)
            throw TtLoraException.InFile(configPath, $"the adapter was trained for hidden size {trained} but the model has {hidden}");
        IReadOnlyList<AdapterTarget> targets;
        try
        {
            targets = AdapterTargets.Select(model, config);
        }
        catch (TtLoraException e)
        {
            throw TtLoraException.InFile(configPath, e.Message);
        }
        var sites = new List<AdapterSiteTensors>(targets.Count);
        var used = new HashSet<string>(StringComparer.Ordinal) { AdapterFiles.HeadKey };
        foreach (var (site, target) in targets)
        {
            IReadOnlyList<(string Name, long[] Shape)> shapes;
            try
            {
                shapes = config.ParameterShapes(site, target);
                config.ParameterCount(site, target);
            }
            catch (TtLoraException e)
            {
                throw TtLoraException.InFile(configPath, e.Message + HiddenHint(site, hidden));
            }
            CheckPresent(config, site.Path, shapes.Select(s => s.Name), tensors, weightsPath);
            sites.Add(Collect(site, target, shapes, tensors, weightsPath, used, hidden));
        }
        var unused = tensors.Keys.Where(k => !used.Contains(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (unused.Count > 0) throw Unused(config, unused, weightsPath);
        return sites;
    }

    static List<AdapterSiteTensors> SitesFromKeys(AdapterConfig config, Dictionary<string, Tensor> tensors, string configPath, string weightsPath)
    {
        var byPath = new SortedDictionary<string, (string Name, int Layer, Dictionary<string, Tensor> Tensors)>(StringComparer.Ordinal);
        foreach (var (key, tensor) in tensors)
        {
            if (key == AdapterFiles.HeadKey) continue;
            var match = key.StartsWith(AdapterFiles.KeyPrefix, StringComparison.Ordinal) ? SiteKey().Match(key[AdapterFiles.KeyPrefix.Length..]) : null;
            if (match is null || !match.Success) throw Unused(config, [key], weightsPath);
            string path = match.Groups["path"].Value;
            if (!byPath.TryGetValue(path, out var entry))
                byPath[path] = entry = (path[(path.LastIndexOf('.') + 1)..], int.Parse(match.Groups["layer"].Value, CultureInfo.InvariantCulture), new(StringComparer.Ordinal));
            entry.Tensors[match.Groups["parameter"].Value] = tensor;
        }
        if (byPath.Count == 0) throw TtLoraException.InFile(weightsPath, "holds no adapter tensors");

        var sites = new List<AdapterSiteTensors>(byPath.Count);
        var used = new HashSet<string>(StringComparer.Ordinal) { AdapterFiles.HeadKey };
        foreach (var (path, (name, layer, siteTensors)) in byPath.OrderBy(p => p.Value.Layer).ThenBy(p => LlamaAdapterSites.Names.ToList().IndexOf(p.Value.Name)))
        {
            string? target = config.TargetModulesRegex is string regex
                ? (TargetMatcher.MatchesRegex(regex, path) ? regex : null)
                : config.TargetModules.FirstOrDefault(entry => TargetMatcher.Matches(entry, path));
            if (target is null || config.LayersToTransform?.Contains(layer) == false)
                throw Unused(config, [.. siteTensors.Keys.Select(p => AdapterFiles.Key(path, p))], weightsPath);
            IReadOnlyList<string> names;
            try
            {
                names = config.ParameterNames(name, layer, target);
            }
            catch (TtLoraException e)
            {
                throw TtLoraException.InFile(configPath, e.Message);
            }
            CheckPresent(config, path, names, tensors: siteTensors.ToDictionary(kv => AdapterFiles.Key(path, kv.Key), kv => kv.Value), weightsPath);
            var extra = siteTensors.Keys.Where(p => !names.Contains(p)).Select(p => AdapterFiles.Key(path, p)).ToList();
            if (extra.Count > 0) throw Unused(config, extra, weightsPath);
            var (inFeatures, outFeatures) = config.Kind.FeaturesFromTensors(config, name, target, siteTensors);
            var site = new AdapterSite(path, name, layer, inFeatures, outFeatures, config.Kind.AttachesToLinear);
            IReadOnlyList<(string Name, long[] Shape)> shapes;
            try
            {
                shapes = config.ParameterShapes(site, target);
            }
            catch (TtLoraException e)
            {
                throw TtLoraException.InFile(configPath, e.Message);
            }
            sites.Add(Collect(site, target, shapes, tensors, weightsPath, used, hidden: null));
        }
        return sites;
    }

    // Presence first, so a missing tensor reads the same whether or not a base model is known.
    static void CheckPresent(AdapterConfig config, string path, IEnumerable<string> names, IReadOnlyDictionary<string, Tensor> tensors, string weightsPath)
    {
        var all = names.ToList();
        foreach (var name in all)
        {
            var key = AdapterFiles.Key(path, name);
            if (!tensors.ContainsKey(key))
                throw TtLoraException.InFile(weightsPath, $"missing tensor \"{key}\": a {config.PeftType} adapter at {path} has {string.Join(", ", all)}");
        }
    }

    static AdapterSiteTensors Collect(AdapterSite site, string target, IReadOnlyList<(string Name, long[] Shape)> shapes, IReadOnlyDictionary<string, Tensor> tensors,
        string weightsPath, HashSet<string> used, int? hidden)
    {
        var own = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, shape) in shapes)
        {
            var key = AdapterFiles.Key(site.Path, name);
            var stored = tensors[key];
            if (!stored.shape.SequenceEqual(shape))
                throw TtLoraException.InFile(weightsPath,
                    $"tensor \"{key}\" has shape {Format(stored.shape)} but {site.Path} needs {Format(shape)}{(hidden is int h ? ShapeHint(stored.shape, shape, h) : "")}");
            own[name] = stored;
            used.Add(key);
        }
        return new AdapterSiteTensors(site, target, own);
    }

    static void CheckHead(AdapterConfig config, IReadOnlyDictionary<string, Tensor> tensors, string weightsPath, LlamaConfig? model)
    {
        if (!tensors.TryGetValue(AdapterFiles.HeadKey, out var head))
        {
            if (config.TrainsHead)
                throw TtLoraException.InFile(weightsPath, $"modules_to_save names \"{AdapterConfig.HeadModule}\" but the file has no \"{AdapterFiles.HeadKey}\"");
            return;
        }
        if (head.dim() != 2 || (model is not null && head.shape[1] != model.HiddenSize))
            throw TtLoraException.InFile(weightsPath,
                $"tensor \"{AdapterFiles.HeadKey}\" has shape {Format(head.shape)} but a classification head is [labels, {(model is null ? "hidden" : model.HiddenSize)}]" +
                (model is not null && head.dim() == 2 ? $" (the adapter was trained for hidden size {head.shape[1]} but the model has {model.HiddenSize})" : ""));
    }

    static TtLoraException Unused(AdapterConfig config, IReadOnlyList<string> keys, string weightsPath) =>
        TtLoraException.InFile(weightsPath,
            $"{keys.Count} tensor(s) belong to no module the config selects (target_modules {config.TargetsDescription}, " +
            $"layers_to_transform {(config.LayersToTransform is null ? "all" : "[" + string.Join(",", config.LayersToTransform) + "]")}): " +
            string.Join(", ", keys.Take(4)) + (keys.Count > 4 ? ", ..." : ""));

    // A mismatch in a dimension that equals the model's hidden size almost always means a different base model.
    static string ShapeHint(long[] stored, long[] expected, int hidden)
    {
        if (stored.Length != expected.Length) return "";
        for (int i = 0; i < stored.Length; i++)
            if (stored[i] != expected[i] && expected[i] == hidden)
                return $" (the adapter was trained for hidden size {stored[i]} but the model has {hidden})";
        return "";
    }

    // Settings that do not fit a site of the hidden size usually come from a model of another size.
    static string HiddenHint(AdapterSite site, int hidden) =>
        site.InFeatures == hidden || site.OutFeatures == hidden ? $" (was the adapter made for a model with another hidden size than {hidden}?)" : "";

    internal static string Format(long[] shape) => "[" + string.Join(",", shape) + "]";

    // A module path the sites of a Llama model can have, then the parameter name under it.
    [GeneratedRegex(@"^(?<path>model\.layers\.(?<layer>\d{1,6})\.(?:self_attn\.(?:q_proj|k_proj|v_proj|o_proj)|mlp\.(?:gate_proj|up_proj|down_proj)|mlp))\.(?<parameter>.+)$")]
    private static partial Regex SiteKey();
}

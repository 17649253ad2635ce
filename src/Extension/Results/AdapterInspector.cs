using System.Globalization;
using System.Text.RegularExpressions;
using TtLora.Core;
using TtLora.Core.Adapters;
using TtLora.Core.TensorTrains;
using static TorchSharp.torch;

namespace TtLora.Extension.Results;

/// <summary>
/// Reads an adapter folder (<c>adapter_config.json</c> + <c>adapter_model.safetensors</c>) into
/// <see cref="AdapterDetails"/> without the base model: TT shapes come from the config's factors and ranks, every
/// other size from the tensors themselves.
/// </summary>
public static partial class AdapterInspector
{
    /// <param name="folder">The expert's folder.</param>
    /// <param name="layer">Show only this decoder layer (null: every adapted layer).</param>
    public static AdapterDetails Inspect(string folder, int? layer = null)
    {
        using var checkpoint = AdapterFiles.Load(folder);
        using var scope = NewDisposeScope();
        var sites = Sites(checkpoint);
        if (layer is int selected)
        {
            var adapted = sites.Select(s => s.Layer).Distinct().Order().ToArray();
            if (!adapted.Contains(selected))
                throw new TtLoraException($"--layer: layer {selected} carries no adapter in {folder} (adapted layers: {string.Join(", ", adapted)})");
            sites = sites.Where(s => s.Layer == selected).ToList();
        }
        IReadOnlyList<ModuleDetails> modules = checkpoint.Config switch
        {
            TtLoraConfig tt => TtModules(checkpoint, tt, sites),
            LoraConfig lora => LoraModules(checkpoint, lora, sites),
            BottleneckConfig bottleneck => BottleneckModules(checkpoint, bottleneck, sites),
            var other => throw TtLoraException.InFile(checkpoint.ConfigPath, $"peft_type {other.PeftType} cannot be shown"),
        };
        var head = checkpoint.Tensors.TryGetValue(AdapterFiles.HeadKey, out var score) ? score.shape : null;
        return new AdapterDetails(checkpoint.Config.PeftType, layer, modules, head);
    }

    /// <summary>One adapted module of one layer and its tensors by parameter name (<c>tt_cores.0</c>, <c>lora_A.weight</c>, ...).</summary>
    sealed record Site(string Path, string Name, int Layer, Dictionary<string, Tensor> Tensors);

    // Parameter names each kind stores under its module, so the module path is what precedes them.
    static readonly string[] ParameterSuffixes = ["lora_A.weight", "lora_B.weight", "adapter_down.weight", "adapter_down.bias", "adapter_up.weight", "adapter_up.bias"];

    static List<Site> Sites(AdapterCheckpoint checkpoint)
    {
        var sites = new Dictionary<string, Site>(StringComparer.Ordinal);
        foreach (var (key, tensor) in checkpoint.Tensors)
        {
            if (key == AdapterFiles.HeadKey) continue;
            if (!key.StartsWith(AdapterFiles.KeyPrefix, StringComparison.Ordinal))
                throw TtLoraException.InFile(checkpoint.WeightsPath, $"tensor \"{key}\" does not start with \"{AdapterFiles.KeyPrefix}\" as adapter keys do");
            string rest = key[AdapterFiles.KeyPrefix.Length..];
            var (path, parameter) = Split(rest) ?? throw TtLoraException.InFile(checkpoint.WeightsPath,
                $"tensor \"{key}\" is no adapter parameter this tool knows (tt_cores.K, lora_A/B.weight, adapter_down/up.weight/bias)");
            var layerMatch = LayerIndex().Match(path);
            if (!layerMatch.Success)
                throw TtLoraException.InFile(checkpoint.WeightsPath, $"tensor \"{key}\" names no decoder layer (expected \"layers.N.\" in its key)");
            if (!sites.TryGetValue(path, out var site))
                sites[path] = site = new Site(path, path[(path.LastIndexOf('.') + 1)..], int.Parse(layerMatch.Groups[1].Value, CultureInfo.InvariantCulture), new(StringComparer.Ordinal));
            site.Tensors[parameter] = tensor;
        }
        if (sites.Count == 0) throw TtLoraException.InFile(checkpoint.WeightsPath, "holds no adapter tensors");
        return [.. sites.Values.OrderBy(s => s.Layer).ThenBy(s => s.Path, StringComparer.Ordinal)];
    }

    static (string Path, string Parameter)? Split(string key)
    {
        int core = key.LastIndexOf(".tt_cores.", StringComparison.Ordinal);
        if (core > 0) return (key[..core], key[(core + 1)..]);
        foreach (var suffix in ParameterSuffixes)
            if (key.EndsWith("." + suffix, StringComparison.Ordinal)) return (key[..^(suffix.Length + 1)], suffix);
        return null;
    }

    static List<ModuleDetails> TtModules(AdapterCheckpoint checkpoint, TtLoraConfig config, List<Site> sites)
    {
        var modules = new List<ModuleDetails>();
        foreach (var group in sites.GroupBy(s => s.Name))
        {
            var shape = ShapeOf(checkpoint, config, group.Key, group.First().Path);
            var perLayer = new List<LayerDetails>();
            foreach (var site in group)
            {
                var cores = Enumerable.Range(0, site.Tensors.Count).Select(k => site.Tensors.GetValueOrDefault($"tt_cores.{k}")).ToList();
                if (cores.Any(c => c is null) || site.Tensors.Keys.Any(k => !k.StartsWith("tt_cores.", StringComparison.Ordinal)))
                    throw TtLoraException.InFile(checkpoint.WeightsPath,
                        $"{site.Path} has tensors {string.Join(", ", site.Tensors.Keys.Order(StringComparer.Ordinal))}; a TT-LoRA module needs tt_cores.0 ... tt_cores.{shape.CoreCount - 1} only");
                var values = cores.Select(c => c!.to(ScalarType.Float64)).ToList();
                try
                {
                    TtOps.CheckCores(values, shape);
                }
                catch (TtLoraException e)
                {
                    throw TtLoraException.InFile(checkpoint.WeightsPath, $"{site.Path}: {e.Message}");
                }
                var (a, b) = TtOps.Factors(values, shape);
                perLayer.Add(new LayerDetails(site.Layer, Spectra.OfLowRank(a, b, config.Alpha),
                    [.. values.Select((core, k) => Core(core, k, k < shape.InputCoreCount))]));
            }
            modules.Add(new TtModuleDetails(group.Key, [.. group.Select(s => s.Layer)], shape, config.Alpha, perLayer));
        }
        return modules;
    }

    // The saved config keys factors by module name; a hand-written one may key them by a longer target entry.
    static TtShape ShapeOf(AdapterCheckpoint checkpoint, TtLoraConfig config, string name, string path)
    {
        string? key = config.InputFactors.ContainsKey(name) ? name
            : config.InputFactors.Keys.FirstOrDefault(k => path == k || path.EndsWith("." + k, StringComparison.Ordinal));
        if (key is null || !config.OutputFactors.ContainsKey(key))
            throw TtLoraException.InFile(checkpoint.ConfigPath,
                $"fields \"input_factors\" and \"output_factors\" have no entry for {name}; without the base model they are the only source of its TT shape");
        try
        {
            return config.TtRanks.TryGetValue(name, out var ranks)
                ? new TtShape(config.InputFactors[key], config.OutputFactors[key], ranks, name)
                : new TtShape(config.InputFactors[key], config.OutputFactors[key], config.R, name);
        }
        catch (TtLoraException e)
        {
            throw TtLoraException.InFile(checkpoint.ConfigPath, e.Message);
        }
    }

    static CoreDetails Core(Tensor core, int index, bool inputSide)
    {
        long[] shape = core.shape;
        var unfolding = inputSide ? core.reshape(shape[0] * shape[1], shape[2]) : core.reshape(shape[0], shape[1] * shape[2]);
        long rows = unfolding.shape[0], columns = unfolding.shape[1];
        var flat = unfolding.contiguous().data<double>().ToArray();
        var values = new double[rows, columns];
        for (long r = 0; r < rows; r++)
            for (long c = 0; c < columns; c++)
                values[r, c] = flat[r * columns + c];
        return new CoreDetails(index, inputSide, shape, values, Spectra.Of(unfolding));
    }

    static List<ModuleDetails> LoraModules(AdapterCheckpoint checkpoint, LoraConfig config, List<Site> sites)
    {
        var rows = new List<(Site Site, int In, int Out, int Rank, double Alpha, double Scaling, LayerDetails Layer)>();
        foreach (var site in sites)
        {
            var a = Require(checkpoint, site, "lora_A.weight");
            var b = Require(checkpoint, site, "lora_B.weight");
            if (a.dim() != 2 || b.dim() != 2 || a.shape[0] != b.shape[1])
                throw TtLoraException.InFile(checkpoint.WeightsPath,
                    $"{site.Path}: lora_A.weight {Format(a.shape)} and lora_B.weight {Format(b.shape)} do not chain as [r, in] and [out, r]");
            int rank = (int)a.shape[0];
            if (rank != config.RankFor(site.Path))
                throw TtLoraException.InFile(checkpoint.WeightsPath, $"{site.Path}: lora_A.weight has rank {rank} but the config says r={config.RankFor(site.Path)}");
            double alpha = config.AlphaFor(site.Path);
            double scaling = config.UseRsLora ? alpha / Math.Sqrt(rank) : alpha / rank;
            // delta W = scaling * B A = scaling * (A^T B^T)^T: the factors in [in, r] and [r, out] form.
            var layer = new LayerDetails(site.Layer, Spectra.OfLowRank(a.t(), b.t(), scaling), []);
            rows.Add((site, (int)a.shape[1], (int)b.shape[0], rank, alpha, scaling, layer));
        }
        // rank_pattern can give layers of one module different ranks: each distinct shape is its own entry.
        return [.. rows.GroupBy(r => (r.Site.Name, r.In, r.Out, r.Rank, r.Alpha))
            .Select(g => (ModuleDetails)new LoraModuleDetails(g.Key.Name, [.. g.Select(r => r.Site.Layer)], g.Key.In, g.Key.Out, g.Key.Rank, g.Key.Alpha,
                g.First().Scaling, [.. g.Select(r => r.Layer)]))];
    }

    static List<ModuleDetails> BottleneckModules(AdapterCheckpoint checkpoint, BottleneckConfig config, List<Site> sites)
    {
        var rows = new List<(Site Site, int Hidden, int Bottleneck)>();
        foreach (var site in sites)
        {
            var down = Require(checkpoint, site, "adapter_down.weight");
            var up = Require(checkpoint, site, "adapter_up.weight");
            if (down.dim() != 2 || up.dim() != 2 || down.shape[0] != up.shape[1] || down.shape[1] != up.shape[0])
                throw TtLoraException.InFile(checkpoint.WeightsPath,
                    $"{site.Path}: adapter_down.weight {Format(down.shape)} and adapter_up.weight {Format(up.shape)} are not [b, hidden] and [hidden, b]");
            rows.Add((site, (int)down.shape[1], (int)down.shape[0]));
        }
        return [.. rows.GroupBy(r => (r.Site.Name, r.Hidden, r.Bottleneck))
            .Select(g => (ModuleDetails)new BottleneckModuleDetails(g.Key.Name, [.. g.Select(r => r.Site.Layer)], g.Key.Hidden, g.Key.Bottleneck, config.NonLinearity))];
    }

    static Tensor Require(AdapterCheckpoint checkpoint, Site site, string parameter) =>
        site.Tensors.TryGetValue(parameter, out var tensor) ? tensor
            : throw TtLoraException.InFile(checkpoint.WeightsPath, $"{site.Path} has no {parameter} (the config's {checkpoint.Config.PeftType} adapter needs it)");

    static string Format(long[] shape) => "[" + string.Join(",", shape) + "]";

    [GeneratedRegex(@"(?:^|\.)layers\.(\d+)(?:\.|$)")]
    private static partial Regex LayerIndex();
}

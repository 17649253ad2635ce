using TtLora.Core.Models;

namespace TtLora.Core.Adapters;

/// <summary>A site an adapter config selects, with the target entry that selected it.</summary>
/// <param name="Site">Where the adapter goes.</param>
/// <param name="Target">The target_modules entry (or regular expression) that matched.</param>
public sealed record AdapterTarget(AdapterSite Site, string Target);

/// <summary>Resolves an adapter config's target_modules and layers_to_transform against a model's config.</summary>
public static class AdapterTargets
{
    /// <summary>
    /// The sites in model order. Every target entry must match some module (a typo is an error listing the
    /// available names), every layer index must exist, and the modules must suit the adapter kind.
    /// </summary>
    public static IReadOnlyList<AdapterTarget> Select(LlamaConfig model, AdapterConfig config)
    {
        var sites = LlamaAdapterSites.Enumerate(model);
        if (config.LayersToTransform is { } layers && layers.FirstOrDefault(l => l >= model.NumHiddenLayers, -1) is var outside and >= 0)
            throw new TtLoraException($"layers_to_transform contains layer {outside} but the model has {model.NumHiddenLayers} layers (0-{model.NumHiddenLayers - 1})");

        var chosen = new Dictionary<string, AdapterTarget>();
        if (config.TargetModulesRegex is string regex)
        {
            foreach (var site in sites.Where(s => TargetMatcher.MatchesRegex(regex, s.Path)))
                chosen.TryAdd(site.Path, new AdapterTarget(site, regex));
            if (chosen.Count == 0) throw NoMatch($"target_modules \"{regex}\"");
        }
        else
        {
            foreach (var entry in config.TargetModules)
            {
                var matched = sites.Where(s => TargetMatcher.Matches(entry, s.Path)).ToList();
                if (matched.Count == 0) throw NoMatch($"target module \"{entry}\"");
                foreach (var site in matched) chosen.TryAdd(site.Path, new AdapterTarget(site, entry));
            }
        }

        var selected = sites
            .Where(s => chosen.ContainsKey(s.Path))
            .Where(s => config.LayersToTransform is null || config.LayersToTransform.Contains(s.Layer))
            .Select(s => chosen[s.Path])
            .ToList();
        if (selected.Count == 0)
            throw new TtLoraException($"target_modules {config.TargetsDescription} select no module in layers_to_transform [{string.Join(",", config.LayersToTransform ?? [])}]");
        foreach (var (site, target) in selected) CheckKind(config.Kind, site, target);
        return selected;
    }

    private static void CheckKind(AdapterKind kind, AdapterSite site, string target)
    {
        if (!kind.AttachesToLinear && site.IsLinear)
            throw new TtLoraException($"target \"{target}\" selects {site.Path}, a Linear layer; {kind} adapters attach to the feed-forward block \"{LlamaAdapterSites.MlpBlock}\"");
        if (kind.AttachesToLinear && !site.IsLinear)
            throw new TtLoraException($"target \"{target}\" selects {site.Path}, the feed-forward block; {kind} adapters attach to Linear layers ({string.Join(", ", LlamaAdapterSites.LinearNames)})");
    }

    private static TtLoraException NoMatch(string what) =>
        new($"{what} matches no module of the model; available modules: {string.Join(", ", LlamaAdapterSites.Names)} " +
            "(in every layer; full names look like model.layers.0.self_attn.q_proj and model.layers.0.mlp.down_proj)");
}

using TtLora.Core.Registry;

namespace TtLora.Core.Routing;

/// <summary>Checks that experts meant to be mixed exist and share one base model.</summary>
public static class ExpertCompatibility
{
    /// <summary>
    /// The manifests of <paramref name="experts"/>; throws when one is missing from the registry, or when they (or
    /// <paramref name="fingerprint"/>, if given) come from different base models.
    /// </summary>
    public static IReadOnlyList<ExpertManifest> Check(ExpertRegistry registry, IReadOnlyList<string> experts, string? fingerprint, string owner)
    {
        if (experts.Count < 2) throw new TtLoraException($"{owner}: a router needs at least 2 experts, got {experts.Count}");
        var duplicate = experts.GroupBy(e => e, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new TtLoraException($"{owner}: expert \"{duplicate.Key}\" is listed twice");
        var manifests = new List<ExpertManifest>();
        foreach (var name in experts)
        {
            if (!registry.Contains(name) && registry.Survey().FirstOrDefault(e => e.Name == name && e.Problem is not null) is { } broken)
                throw new TtLoraException($"{owner} names expert \"{name}\", whose folder {broken.Folder} is broken: {broken.Problem}");
            if (!registry.Contains(name))
                throw new TtLoraException($"{owner} names expert \"{name}\", which is not in the registry {registry.Root}" +
                    $" (it has: {string.Join(", ", registry.List().Select(m => m.Name).DefaultIfEmpty("nothing"))})");
            manifests.Add(registry.Get(name));
        }
        var first = manifests[0];
        if (manifests.FirstOrDefault(m => m.BaseModelFingerprint != first.BaseModelFingerprint) is { } other)
            throw new TtLoraException($"{owner}: experts \"{first.Name}\" and \"{other.Name}\" were trained on different base models " +
                $"({first.BaseModelFingerprint} at {first.BaseModel} vs {other.BaseModelFingerprint} at {other.BaseModel}); experts mixed by one router must share a base");
        if (fingerprint is not null && first.BaseModelFingerprint != fingerprint)
            throw new TtLoraException($"{owner} was trained on base model {fingerprint}, but its experts now belong to {first.BaseModelFingerprint}; retrain the router");
        var sameTask = manifests.GroupBy(m => m.Task, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (sameTask is not null)
            throw new TtLoraException($"{owner}: experts {string.Join(" and ", sameTask.Select(m => $"\"{m.Name}\""))} serve the same task \"{sameTask.Key}\"; a router tells tasks apart, so give one expert per task");
        return manifests;
    }
}

namespace TtLora.Core.Registry;

/// <summary>
/// One folder of the registry as found on disk: a whole expert (its manifest), or a broken one — a manifest that
/// does not parse, or files missing — with what is wrong, so it can be shown and removed without hiding the others.
/// </summary>
public sealed record RegistryEntry(string Name, string Folder, ExpertManifest? Manifest, string? Problem)
{
    public bool IsBroken => Manifest is null;
}

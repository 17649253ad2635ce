namespace TtLora.Core.Adapters;

/// <summary>
/// Describes an adapter folder without the base model (<c>show</c>): it is read and checked by
/// <see cref="AdapterReader"/>, and each kind describes its own modules.
/// </summary>
public static class AdapterInspector
{
    /// <param name="folder">The expert's folder.</param>
    /// <param name="layer">Show only this decoder layer (null: every adapted layer).</param>
    public static AdapterDetails Inspect(string folder, int? layer = null)
    {
        using var checkpoint = AdapterReader.Read(folder);
        var sites = checkpoint.Sites;
        if (layer is int selected)
        {
            if (!checkpoint.Layers.Contains(selected))
                throw new TtLoraException($"--layer: layer {selected} carries no adapter in {folder} (adapted layers: {string.Join(", ", checkpoint.Layers)})");
            sites = [.. sites.Where(s => s.Site.Layer == selected)];
        }
        var modules = checkpoint.Config.Kind.Describe(checkpoint.Config, sites);
        return new AdapterDetails(checkpoint.Config.PeftType, layer, modules, checkpoint.Head?.shape);
    }
}

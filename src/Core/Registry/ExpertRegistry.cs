namespace TtLora.Core.Registry;

/// <summary>
/// A folder of experts, one sub-folder each (adapter_config.json, adapter_model.safetensors, expert.json).
/// Experts appear and disappear with one directory rename, so a reader (or an interrupted writer) never sees half
/// of one: new experts are assembled in a hidden staging folder next to the others.
/// </summary>
public sealed class ExpertRegistry
{
    public const string DefaultPath = "registry";

    public ExpertRegistry(string root) => Root = Path.GetFullPath(root);

    public string Root { get; }

    public string PathOf(string name) => Path.Combine(Root, name);

    public bool Contains(string name) => File.Exists(Path.Combine(PathOf(name), ExpertManifest.FileName));

    /// <summary>Every complete expert, sorted by task then name.</summary>
    public IReadOnlyList<ExpertManifest> List()
    {
        if (!Directory.Exists(Root)) return [];
        return Directory.GetDirectories(Root)
            .Where(d => !Path.GetFileName(d).StartsWith('.') && File.Exists(Path.Combine(d, ExpertManifest.FileName)))
            .Select(ExpertManifest.Load)
            .OrderBy(m => m.Task, StringComparer.Ordinal).ThenBy(m => m.Name, StringComparer.Ordinal)
            .ToArray();
    }

    public ExpertManifest Get(string name)
    {
        ValidateName(name);
        if (!Contains(name))
        {
            var known = List().Select(m => m.Name).ToArray();
            throw new TtLoraException($"expert \"{name}\" is not in the registry {Root}" +
                (known.Length > 0 ? $" (it has: {string.Join(", ", known)})" : " (it is empty)"));
        }
        return ExpertManifest.Load(PathOf(name));
    }

    /// <summary>A fresh hidden folder to assemble a new expert in; pass it to <see cref="Publish"/>.</summary>
    public string CreateStaging(string name)
    {
        ValidateName(name);
        return AtomicFolder.Stage(Root, name);
    }

    /// <summary>Makes a staged expert visible under its name, replacing an older one of that name.</summary>
    public void Publish(string staging, string name) => AtomicFolder.Publish(staging, PathOf(name));

    public void Remove(string name)
    {
        Get(name);
        AtomicFolder.Remove(PathOf(name));
    }

    /// <summary>Deletes leftovers of interrupted writes (hidden staging folders).</summary>
    public void CleanStaging() => AtomicFolder.CleanLeftovers(Root);

    public static void ValidateName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.StartsWith('.') || name.IndexOfAny(['/', '\\', ':']) >= 0 || name.Any(char.IsWhiteSpace))
            throw new TtLoraException($"--name: \"{name}\" is not a valid expert name (use letters, digits, '-', '_' and '.', not starting with '.')");
    }
}

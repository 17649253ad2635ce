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

    /// <summary>Whether a whole expert (manifest and adapter files) of this name is in the registry.</summary>
    public bool Contains(string name) => Directory.Exists(PathOf(name)) && MissingFiles(PathOf(name)).Count == 0;

    /// <summary>Every expert folder, whole or broken, sorted by task (broken ones last) then name.</summary>
    public IReadOnlyList<RegistryEntry> Survey()
    {
        if (!Directory.Exists(Root)) return [];
        return Directory.GetDirectories(Root)
            .Where(d => !Path.GetFileName(d).StartsWith('.') && Path.GetFileName(d) != Routing.RouterStore.FolderName)
            .Select(Inspect)
            .OrderBy(e => e.IsBroken).ThenBy(e => e.Manifest?.Task, StringComparer.Ordinal).ThenBy(e => e.Name, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>Every whole expert, sorted by task then name; broken folders are left out (see <see cref="Survey"/>).</summary>
    public IReadOnlyList<ExpertManifest> List() => Survey().Where(e => !e.IsBroken).Select(e => e.Manifest!).ToArray();

    public ExpertManifest Get(string name)
    {
        ValidateName(name);
        string folder = PathOf(name);
        if (!Directory.Exists(folder))
        {
            var known = List().Select(m => m.Name).ToArray();
            throw new TtLoraException($"expert \"{name}\" is not in the registry {Root}" +
                (known.Length > 0 ? $" (it has: {string.Join(", ", known)})" : " (it is empty)"));
        }
        var entry = Inspect(folder);
        return entry.Manifest ?? throw new TtLoraException($"expert \"{name}\" in {Root} is broken: {entry.Problem} (remove it with: experts remove {name})");
    }

    /// <summary>
    /// The right to write the expert <paramref name="name"/>: held from before training until it is published, so a
    /// second writer of the same name is refused at once instead of one result silently replacing the other.
    /// </summary>
    public FolderClaim Claim(string name)
    {
        ValidateName(name);
        AtomicFolder.EnsureWritable(PathOf(name), "--registry");
        return FolderClaim.Acquire(PathOf(name), $"expert \"{name}\" in {Root}");
    }

    /// <summary>Removes an expert, whole or broken, by one rename.</summary>
    public void Remove(string name)
    {
        ValidateName(name);
        if (!Directory.Exists(PathOf(name))) Get(name);
        using var claim = FolderClaim.Acquire(PathOf(name), $"expert \"{name}\" in {Root}");
        AtomicFolder.Remove(PathOf(name));
    }

    /// <summary>Deletes leftovers of interrupted writes (staging folders) old enough that no live writer owns them.</summary>
    public void CleanStaging() => AtomicFolder.CleanLeftovers(Root);

    RegistryEntry Inspect(string folder)
    {
        string name = Path.GetFileName(folder);
        var missing = MissingFiles(folder);
        if (missing.Count > 0) return new RegistryEntry(name, folder, null, $"missing {string.Join(", ", missing)}");
        try
        {
            return new RegistryEntry(name, folder, ExpertManifest.Load(folder), null);
        }
        catch (TtLoraException e)
        {
            return new RegistryEntry(name, folder, null, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new RegistryEntry(name, folder, null, $"cannot read: {e.Message}");
        }
    }

    static IReadOnlyList<string> MissingFiles(string folder) =>
        new[] { ExpertManifest.FileName, Adapters.AdapterFiles.ConfigFileName, Adapters.AdapterFiles.WeightsFileName }
            .Where(f => !File.Exists(Path.Combine(folder, f))).ToArray();

    public static void ValidateName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.StartsWith('.') || name.IndexOfAny(['/', '\\', ':']) >= 0 || name.Any(char.IsWhiteSpace) || name.Any(char.IsControl))
            throw new TtLoraException($"\"{name}\" is not a valid expert or router name (use letters, digits, '-', '_' and '.', not starting with '.')");
        if (name.Length > AtomicFolder.MaxNameLength)
            throw new TtLoraException($"expert or router name \"{name[..20]}...\" is {name.Length} characters long; at most {AtomicFolder.MaxNameLength} fit in a folder name");
    }
}

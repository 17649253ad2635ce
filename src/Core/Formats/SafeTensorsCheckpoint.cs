using System.Text.Json;
using TorchSharp;

namespace TtLora.Core.Formats;

/// <summary>
/// The weights of a Hugging Face model folder: either one <c>model.safetensors</c> or shards listed by
/// <c>model.safetensors.index.json</c>. Shards are opened once each and presented as one set of tensors.
/// </summary>
public sealed class SafeTensorsCheckpoint : ISafeTensorsReader
{
    /// <summary>The single-file weights name.</summary>
    public const string SingleFileName = "model.safetensors";

    /// <summary>The shard index name; when present it takes precedence over <see cref="SingleFileName"/>.</summary>
    public const string IndexFileName = "model.safetensors.index.json";

    private readonly IReadOnlyList<SafeTensorsFile> _files;
    private readonly Dictionary<string, SafeTensorsFile> _fileOf;

    private SafeTensorsCheckpoint(string folder, IReadOnlyList<SafeTensorsFile> files,
        IReadOnlyList<string> names, Dictionary<string, SafeTensorsFile> fileOf, bool isSharded, long? totalSize)
    {
        Folder = folder;
        IsSharded = isSharded;
        _files = files;
        Names = names;
        _fileOf = fileOf;
        TotalSize = totalSize;
    }

    /// <summary>The model folder as given to <see cref="Open"/>.</summary>
    public string Folder { get; }

    /// <summary>True when the weights come from an index and its shards.</summary>
    public bool IsSharded { get; }

    /// <summary>Paths of the opened safetensors files (shards in index order, or the single file).</summary>
    public IReadOnlyList<string> Files => _files.Select(f => f.Path).ToArray().AsReadOnly();

    /// <summary>The index's "metadata.total_size" (bytes of tensor data), when sharded and stated.</summary>
    public long? TotalSize { get; }

    /// <summary>The "__metadata__" of the single file, or of the first shard (shards written together share it).</summary>
    public IReadOnlyDictionary<string, string> Metadata =>
        _files.Count > 0 ? _files[0].Metadata : new Dictionary<string, string>();

    /// <summary>Tensor names: the weight_map order when sharded, file order otherwise.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>
    /// Opens the weights in <paramref name="folder"/>: the shards named by <see cref="IndexFileName"/> if it exists,
    /// else <see cref="SingleFileName"/>. Throws <see cref="TtLoraException"/> naming the folder or file at fault.
    /// </summary>
    public static SafeTensorsCheckpoint Open(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw TtLoraException.InFile(folder, "model folder not found");
        }
        var indexPath = Path.Combine(folder, IndexFileName);
        if (File.Exists(indexPath))
        {
            return OpenSharded(folder, indexPath);
        }
        var singlePath = Path.Combine(folder, SingleFileName);
        if (File.Exists(singlePath))
        {
            var file = SafeTensorsFile.Open(singlePath);
            return new SafeTensorsCheckpoint(folder, [file], file.Names,
                file.Names.ToDictionary(n => n, _ => file, StringComparer.Ordinal), isSharded: false, totalSize: null);
        }
        foreach (var name in new[] { IndexFileName, SingleFileName })
            if (Directory.Exists(Path.Combine(folder, name)))
                throw TtLoraException.InFile(Path.Combine(folder, name), "is a folder; expected the weights file of that name");
        throw TtLoraException.InFile(folder,
            $"no weights found: expected {IndexFileName} (sharded) or {SingleFileName} in this folder");
    }

    /// <inheritdoc/>
    public bool Contains(string name) => _fileOf.ContainsKey(name);

    /// <inheritdoc/>
    public SafeTensorInfo Info(string name) => FileOf(name).Info(name);

    /// <inheritdoc/>
    public torch.Tensor Load(string name) => FileOf(name).Load(name);

    /// <inheritdoc cref="SafeTensorsFile.ReadInto(string, torch.Tensor)"/>
    public void ReadInto(string name, torch.Tensor target) => FileOf(name).ReadInto(name, target);

    /// <inheritdoc cref="SafeTensorsFile.CanReadInto(string, torch.Tensor)"/>
    public bool CanReadInto(string name, torch.Tensor target) => FileOf(name).CanReadInto(name, target);

    /// <summary>Path of the file that stores tensor <paramref name="name"/>.</summary>
    public string PathOf(string name) => FileOf(name).Path;

    /// <summary>Closes every shard.</summary>
    public void Dispose()
    {
        foreach (var file in _files)
        {
            file.Dispose();
        }
    }

    private SafeTensorsFile FileOf(string name)
    {
        if (_fileOf.TryGetValue(name, out var file))
        {
            return file;
        }
        var where = IsSharded ? $"the weight_map of {IndexFileName}" : SingleFileName;
        throw TtLoraException.InFile(Folder, $"tensor '{name}' is not in the checkpoint (not in {where}; {Names.Count} tensors)");
    }

    private static SafeTensorsCheckpoint OpenSharded(string folder, string indexPath)
    {
        var (weightMap, totalSize) = ReadIndex(indexPath);
        var opened = new Dictionary<string, SafeTensorsFile>(StringComparer.Ordinal);
        var inIndexOrder = new List<SafeTensorsFile>();
        try
        {
            var fileOf = new Dictionary<string, SafeTensorsFile>(StringComparer.Ordinal);
            foreach (var (name, shardName) in weightMap)
            {
                if (!opened.TryGetValue(shardName, out var shard))
                {
                    var shardPath = Path.Combine(folder, shardName);
                    if (!File.Exists(shardPath))
                    {
                        throw TtLoraException.InFile(indexPath,
                            $"shard '{shardName}' (holding tensor '{name}') does not exist in the folder");
                    }
                    shard = SafeTensorsFile.Open(shardPath);
                    opened[shardName] = shard;
                    inIndexOrder.Add(shard);
                }
                if (!shard.Contains(name))
                {
                    throw TtLoraException.InFile(shard.Path,
                        $"tensor '{name}' is mapped to this shard by {indexPath} but the shard does not contain it");
                }
                fileOf[name] = shard;
            }
            return new SafeTensorsCheckpoint(folder, inIndexOrder, weightMap.Select(e => e.Key).ToArray().AsReadOnly(), fileOf,
                isSharded: true, totalSize);
        }
        catch
        {
            foreach (var shard in inIndexOrder)
            {
                shard.Dispose();
            }
            throw;
        }
    }

    private static (List<KeyValuePair<string, string>> WeightMap, long? TotalSize) ReadIndex(string indexPath)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(indexPath));
        }
        catch (JsonException e)
        {
            throw TtLoraException.InFile(indexPath, $"not valid JSON: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw TtLoraException.InFile(indexPath, $"cannot read: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("weight_map", out var map)
                || map.ValueKind != JsonValueKind.Object)
            {
                throw TtLoraException.InFile(indexPath,
                    "expected a JSON object with a \"weight_map\" object mapping tensor names to shard file names");
            }

            var weightMap = new List<KeyValuePair<string, string>>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in map.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(entry.Value.GetString()))
                {
                    throw TtLoraException.InFile(indexPath,
                        $"weight_map entry '{entry.Name}' must be a shard file name (a non-empty string), got {entry.Value.GetRawText()}");
                }
                var shardName = entry.Value.GetString()!;
                // Shards live in the model folder; a rooted or climbing path would read files outside it.
                if (Path.IsPathRooted(shardName) || shardName.Split('/', '\\').Contains(".."))
                {
                    throw TtLoraException.InFile(indexPath,
                        $"weight_map entry '{entry.Name}' points to '{shardName}', outside the model folder");
                }
                if (!seen.Add(entry.Name))
                {
                    throw TtLoraException.InFile(indexPath, $"weight_map names tensor '{entry.Name}' twice");
                }
                weightMap.Add(new(entry.Name, shardName));
            }

            long? totalSize = null;
            if (root.TryGetProperty("metadata", out var metadata)
                && metadata.ValueKind == JsonValueKind.Object
                && metadata.TryGetProperty("total_size", out var total)
                && total.ValueKind == JsonValueKind.Number)
            {
                // Some writers store it as a float (e.g. 1.6e10); keep it when it is a whole number.
                if (total.TryGetInt64(out var exact))
                {
                    totalSize = exact;
                }
                else if (total.TryGetDouble(out var approximate) && approximate == Math.Floor(approximate) && approximate >= 0 && approximate < long.MaxValue)
                {
                    totalSize = (long)approximate;
                }
            }
            return (weightMap, totalSize);
        }
    }
}

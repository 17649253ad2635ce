using System.Buffers.Binary;
using System.Text.Json;
using System.Text.RegularExpressions;
using TorchSharp;

namespace TtLora.Core.Formats;

/// <summary>
/// Writes named tensors as safetensors files that Hugging Face's implementation reads (and byte-for-byte what it
/// would write for the same tensors), single-file or sharded with a <c>model.safetensors.index.json</c>.
/// Every file is written atomically.
/// </summary>
public static partial class SafeTensorsWriter
{
    /// <summary>
    /// Writes <paramref name="tensors"/> to <paramref name="path"/>. Tensors may live on any device and need not be
    /// contiguous: each is copied to contiguous CPU memory for writing while the caller's tensor is left as is.
    /// Data is ordered like the reference writer (larger element types first, then by name), which keeps every
    /// tensor aligned to its element size.
    /// </summary>
    public static void Write(string path, IEnumerable<(string Name, torch.Tensor Tensor)> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        WriteFile(path, Validate(path, tensors), metadata, SafeTensorsFile.DefaultChunkBytes);
    }

    /// <summary>
    /// Writes a checkpoint folder the way Hugging Face lays it out: <c>model.safetensors</c> when all tensor bytes
    /// fit in <paramref name="maxShardBytes"/>, otherwise <c>model-00001-of-0000N.safetensors</c> ... in input
    /// order (a new shard starts when the next tensor would overflow the current one; a tensor larger than the
    /// limit gets a shard of its own) plus <c>model.safetensors.index.json</c>, written last. Files of an earlier
    /// checkpoint in the folder that the new one does not use are deleted afterwards, so a reader never mixes the two.
    /// </summary>
    /// <returns>The file names written, shards first, the index (if any) last.</returns>
    public static IReadOnlyList<string> WriteSharded(string dir, IEnumerable<(string Name, torch.Tensor Tensor)> tensors,
        long maxShardBytes, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (maxShardBytes <= 0)
        {
            throw new TtLoraException($"maximum shard size must be a positive number of bytes, got {maxShardBytes}");
        }
        var all = Validate(dir, tensors);
        var shards = PlanShards(all, maxShardBytes);
        Directory.CreateDirectory(dir);

        var written = new List<string>();
        if (shards.Count == 1)
        {
            WriteFile(Path.Combine(dir, SafeTensorsCheckpoint.SingleFileName), shards[0], metadata, SafeTensorsFile.DefaultChunkBytes);
            written.Add(SafeTensorsCheckpoint.SingleFileName);
            // The index wins over model.safetensors when reading, so a stale one must go.
            DeleteIfExists(Path.Combine(dir, SafeTensorsCheckpoint.IndexFileName));
            DeleteStaleShards(dir, keep: []);
            return written;
        }

        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        long totalSize = 0;
        for (var i = 0; i < shards.Count; i++)
        {
            var fileName = ShardFileName(i + 1, shards.Count);
            WriteFile(Path.Combine(dir, fileName), shards[i], metadata, SafeTensorsFile.DefaultChunkBytes);
            written.Add(fileName);
            foreach (var (name, tensor) in shards[i])
            {
                weightMap[name] = fileName;
                totalSize += ByteLength(tensor);
            }
        }
        WriteIndex(Path.Combine(dir, SafeTensorsCheckpoint.IndexFileName), totalSize, weightMap);
        written.Add(SafeTensorsCheckpoint.IndexFileName);
        DeleteIfExists(Path.Combine(dir, SafeTensorsCheckpoint.SingleFileName));
        DeleteStaleShards(dir, keep: written);
        return written;
    }

    /// <summary>The Hugging Face shard name, e.g. <c>model-00002-of-00003.safetensors</c>.</summary>
    public static string ShardFileName(int index, int count) => $"model-{index:D5}-of-{count:D5}.safetensors";

    internal static void WriteFile(string path, IReadOnlyList<(string Name, torch.Tensor Tensor)> tensors,
        IReadOnlyDictionary<string, string>? metadata, long chunkBytes)
    {
        var ordered = tensors
            .Select(t => (t.Name, t.Tensor, DType: DTypeOf(path, t.Name, t.Tensor)))
            .OrderByDescending(t => t.DType)
            .ThenBy(t => t.Name, StringComparer.Ordinal)
            .ToList();

        var infos = new List<SafeTensorInfo>(ordered.Count);
        long offset = 0;
        foreach (var (name, tensor, dtype) in ordered)
        {
            var length = ByteLength(tensor);
            infos.Add(new SafeTensorInfo(name, dtype, tensor.shape, offset, offset + length));
            offset += length;
        }
        var header = SafeTensorsHeaderWriter.Build(path, infos, metadata);

        AtomicFile.Write(path, 8 + header.Length + offset, stream =>
        {
            Span<byte> prefix = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
            stream.Write(prefix);
            stream.Write(header);
            foreach (var (_, tensor, _) in ordered)
            {
                WriteData(stream, tensor, chunkBytes);
            }
        });
    }

    private static List<(string Name, torch.Tensor Tensor)> Validate(string path, IEnumerable<(string Name, torch.Tensor Tensor)> tensors)
    {
        var list = tensors.ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, tensor) in list)
        {
            if (name is null)
            {
                throw TtLoraException.InFile(path, "a tensor has a null name");
            }
            if (name == SafeTensorsHeader.MetadataKey)
            {
                throw TtLoraException.InFile(path, $"'{name}' is reserved for metadata and cannot name a tensor");
            }
            if (!names.Add(name))
            {
                throw TtLoraException.InFile(path, $"two tensors are named '{name}'; tensor names must be unique");
            }
            if (tensor is null)
            {
                throw TtLoraException.InFile(path, $"tensor '{name}' is null");
            }
            DTypeOf(path, name, tensor);
        }
        return list;
    }

    private static SafeTensorDType DTypeOf(string path, string name, torch.Tensor tensor)
    {
        if (!SafeTensorDTypes.TryFromScalarType(tensor.dtype, out var dtype))
        {
            throw TtLoraException.InFile(path, $"tensor '{name}' has element type {tensor.dtype}, which safetensors cannot store");
        }
        return dtype;
    }

    private static long ByteLength(torch.Tensor tensor) => tensor.numel() * tensor.ElementSize;

    private static List<List<(string Name, torch.Tensor Tensor)>> PlanShards(
        List<(string Name, torch.Tensor Tensor)> tensors, long maxShardBytes)
    {
        var shards = new List<List<(string Name, torch.Tensor Tensor)>> { new() };
        long current = 0;
        foreach (var entry in tensors)
        {
            var length = ByteLength(entry.Tensor);
            if (shards[^1].Count > 0 && current + length > maxShardBytes)
            {
                shards.Add([]);
                current = 0;
            }
            shards[^1].Add(entry);
            current += length;
        }
        return shards;
    }

    /// <summary>Streams the tensor's raw little-endian bytes from contiguous CPU memory.</summary>
    private static void WriteData(Stream stream, torch.Tensor tensor, long chunkBytes)
    {
        if (tensor.numel() == 0)
        {
            return;
        }
        // Temporaries (CPU copy, contiguous copy, views) die with the scope; the caller's tensor was made
        // outside it and is untouched.
        using var scope = torch.NewDisposeScope();
        var source = tensor.device_type == DeviceType.CPU ? tensor : tensor.cpu();
        var contiguous = source.contiguous();
        var total = ByteLength(contiguous);
        if (total <= chunkBytes)
        {
            stream.Write(contiguous.bytes);
            return;
        }
        var elementSize = contiguous.ElementSize;
        var elementsPerChunk = Math.Max(1, chunkBytes / elementSize);
        var flat = contiguous.view(-1);
        var count = flat.shape[0];
        for (long first = 0; first < count; first += elementsPerChunk)
        {
            var part = flat.narrow(0, first, Math.Min(elementsPerChunk, count - first));
            stream.Write(part.bytes);
            part.Dispose();
        }
    }

    private static void WriteIndex(string path, long totalSize, SortedDictionary<string, string> weightMap)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Indented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            json.WriteStartObject();
            json.WriteStartObject("metadata");
            json.WriteNumber("total_size", totalSize);
            json.WriteEndObject();
            json.WriteStartObject("weight_map");
            foreach (var (name, file) in weightMap)
            {
                json.WriteString(name, file);
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        var bytes = buffer.ToArray();
        AtomicFile.Write(path, bytes.Length, stream => stream.Write(bytes));
    }

    private static void DeleteStaleShards(string dir, IReadOnlyCollection<string> keep)
    {
        foreach (var file in Directory.EnumerateFiles(dir, "model-*-of-*.safetensors"))
        {
            var name = Path.GetFileName(file);
            if (ShardNamePattern().IsMatch(name) && !keep.Contains(name))
            {
                DeleteIfExists(file);
            }
        }
    }

    private static void DeleteIfExists(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw TtLoraException.InFile(path, $"cannot remove this file left from an earlier checkpoint: {e.Message}");
        }
    }

    [GeneratedRegex(@"^model-\d{5}-of-\d{5}\.safetensors$")]
    private static partial Regex ShardNamePattern();
}

using Microsoft.Win32.SafeHandles;
using TorchSharp;

namespace TtLora.Core.Formats;

/// <summary>
/// A safetensors file opened for reading. <see cref="Open"/> reads and validates only the header; each
/// <see cref="Load(string)"/> reads one tensor's bytes straight into a new tensor's memory, so loading one tensor never
/// reads the rest of the file. Loads use positional reads and may run concurrently.
/// </summary>
public sealed class SafeTensorsFile : ISafeTensorsReader
{
    /// <summary>
    /// Largest single read into a tensor; TorchSharp exposes tensor memory as a <see cref="Span{T}"/>, which is
    /// limited to int.MaxValue bytes, so larger tensors are read through views in chunks of this size.
    /// </summary>
    internal const long DefaultChunkBytes = 1L << 30;

    private readonly SafeFileHandle _file;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafeTensorInfo> _byName;

    private SafeTensorsFile(string path, SafeFileHandle file, SafeTensorsHeader header)
    {
        Path = path;
        _file = file;
        _dataStart = header.DataStart;
        Metadata = header.Metadata;
        Names = header.Tensors.Select(t => t.Name).ToArray().AsReadOnly();
        _byName = header.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The path the file was opened with; error messages start with it.</summary>
    public string Path { get; }

    /// <summary>The "__metadata__" strings (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Tensor names in the order their bytes appear in the file.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>File offset where the data section starts (8 + header length).</summary>
    public long DataStart => _dataStart;

    /// <summary>Opens <paramref name="path"/> and validates its header; throws <see cref="TtLoraException"/> on any defect.</summary>
    public static SafeTensorsFile Open(string path)
    {
        SafeFileHandle file;
        try
        {
            file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw TtLoraException.InFile(path, "file not found");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw TtLoraException.InFile(path, $"cannot open: {e.Message}");
        }

        try
        {
            return new SafeTensorsFile(path, file, SafeTensorsHeader.Read(path, file));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <inheritdoc/>
    public SafeTensorInfo Info(string name)
    {
        var info = Find(name);
        // A copy, so a caller editing the shape array cannot change what Load allocates.
        return info with { Shape = (long[])info.Shape.Clone() };
    }

    /// <inheritdoc/>
    public torch.Tensor Load(string name) => Load(name, DefaultChunkBytes);

    internal torch.Tensor Load(string name, long chunkBytes)
    {
        var info = Find(name);
        ObjectDisposedException.ThrowIf(_file.IsClosed, this);
        var tensor = torch.empty(info.Shape, info.DType.ToScalarType());
        try
        {
            ReadInto(tensor, info, chunkBytes);
            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads tensor <paramref name="name"/> straight into <paramref name="target"/>'s memory (a contiguous CPU tensor of
    /// the stored dtype and shape, e.g. a model parameter), so loading a model needs no second copy of any tensor.
    /// </summary>
    public void ReadInto(string name, torch.Tensor target)
    {
        var info = Find(name);
        ObjectDisposedException.ThrowIf(_file.IsClosed, this);
        if (target.device_type != DeviceType.CPU || !target.is_contiguous() || target.dtype != info.DType.ToScalarType() || !target.shape.SequenceEqual(info.Shape))
            throw new ArgumentException($"tensor '{name}' ({info.DType} [{string.Join(",", info.Shape)}]) cannot be read into a {target.dtype} [{string.Join(",", target.shape)}] tensor on {target.device}, or one that is not contiguous", nameof(target));
        ReadInto(target, info, DefaultChunkBytes);
    }

    /// <summary>True when <see cref="ReadInto(string, torch.Tensor)"/> can fill <paramref name="target"/> in place.</summary>
    public bool CanReadInto(string name, torch.Tensor target)
    {
        var info = Find(name);
        return target.device_type == DeviceType.CPU && target.is_contiguous() && target.dtype == info.DType.ToScalarType() && target.shape.SequenceEqual(info.Shape);
    }

    /// <summary>Releases the file handle; tensors already loaded stay valid.</summary>
    public void Dispose() => _file.Dispose();

    private SafeTensorInfo Find(string name)
    {
        if (_byName.TryGetValue(name, out var info))
        {
            return info;
        }
        var some = string.Join(", ", Names.Take(5).Select(n => $"'{n}'"));
        var listing = Names.Count == 0 ? "it holds no tensors" : $"it holds {Names.Count} tensors, e.g. {some}";
        throw TtLoraException.InFile(Path, $"tensor '{name}' is not in the file ({listing})");
    }

    private void ReadInto(torch.Tensor tensor, SafeTensorInfo info, long chunkBytes)
    {
        if (info.ByteLength == 0)
        {
            return;
        }
        var fileOffset = _dataStart + info.Begin;
        if (info.ByteLength <= chunkBytes)
        {
            // t.bytes is a span over the tensor's own memory: the read lands in place, with no staging copy.
            SafeTensorsHeader.ReadExactly(Path, _file, tensor.bytes, fileOffset);
            return;
        }

        var elementSize = info.DType.ElementSize();
        var elementsPerChunk = Math.Max(1, chunkBytes / elementSize);
        using var flat = tensor.view(-1);
        for (long first = 0; first < info.ElementCount; first += elementsPerChunk)
        {
            var count = Math.Min(elementsPerChunk, info.ElementCount - first);
            using var part = flat.narrow(0, first, count);
            SafeTensorsHeader.ReadExactly(Path, _file, part.bytes, fileOffset + first * elementSize);
        }
    }
}

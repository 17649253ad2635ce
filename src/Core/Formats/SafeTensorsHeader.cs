using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.Win32.SafeHandles;

namespace TtLora.Core.Formats;

/// <summary>
/// The parsed and validated header of one safetensors file. Validation follows the rules of the reference
/// implementation, so a file accepted here is accepted there: every entry well typed, byte lengths matching
/// shape and dtype, and the tensors tiling the data section exactly (no overlap, no hole, no trailing bytes).
/// </summary>
internal sealed class SafeTensorsHeader
{
    /// <summary>The key that holds free-form string metadata instead of a tensor.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>The reference implementation refuses larger headers; so do we, before allocating them.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private const int LengthPrefixBytes = 8;

    private SafeTensorsHeader(long dataStart, IReadOnlyDictionary<string, string> metadata, IReadOnlyList<SafeTensorInfo> tensors)
    {
        DataStart = dataStart;
        Metadata = metadata;
        Tensors = tensors;
    }

    /// <summary>File offset of the first data byte; tensor offsets are relative to it.</summary>
    public long DataStart { get; }

    /// <summary>The "__metadata__" entries (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Tensor entries in file order (ascending offsets).</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>Reads and validates the header of the open file at <paramref name="path"/>.</summary>
    public static SafeTensorsHeader Read(string path, SafeFileHandle file)
    {
        var fileLength = RandomAccess.GetLength(file);
        if (fileLength < LengthPrefixBytes)
        {
            throw TtLoraException.InFile(path,
                $"file is {fileLength} bytes, shorter than the 8-byte header length that starts every safetensors file");
        }

        Span<byte> prefix = stackalloc byte[LengthPrefixBytes];
        ReadExactly(path, file, prefix, 0);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        var bytesAfterPrefix = fileLength - LengthPrefixBytes;
        if (headerLength > (ulong)bytesAfterPrefix)
        {
            throw TtLoraException.InFile(path,
                $"header length {headerLength} is larger than the {bytesAfterPrefix} bytes that follow it (not a safetensors file, or truncated)");
        }
        if ((long)headerLength > MaxHeaderBytes)
        {
            throw TtLoraException.InFile(path,
                $"header length {headerLength} exceeds the safetensors limit of {MaxHeaderBytes} bytes");
        }

        var headerBytes = new byte[headerLength];
        ReadExactly(path, file, headerBytes, LengthPrefixBytes);
        var dataStart = LengthPrefixBytes + (long)headerLength;
        return Parse(path, headerBytes, dataStart, fileLength - dataStart);
    }

    /// <summary>Fills <paramref name="buffer"/> from <paramref name="fileOffset"/>; a short read means the file shrank.</summary>
    public static void ReadExactly(string path, SafeFileHandle file, Span<byte> buffer, long fileOffset)
    {
        while (!buffer.IsEmpty)
        {
            var read = RandomAccess.Read(file, buffer, fileOffset);
            if (read == 0)
            {
                throw TtLoraException.InFile(path,
                    $"file ended at byte {fileOffset} while reading {buffer.Length} more bytes (was it changed while open?)");
            }
            buffer = buffer[read..];
            fileOffset += read;
        }
    }

    private static SafeTensorsHeader Parse(string path, byte[] headerBytes, long dataStart, long dataLength)
    {
        // The JSON parser checks UTF-8 only when a string is decoded; check up front for one clear message.
        if (!Utf8.IsValid(headerBytes))
        {
            throw TtLoraException.InFile(path, "header is not valid UTF-8 text");
        }
        JsonDocument document;
        try
        {
            // Duplicate tensor names are reported by the check below, which names them.
            document = JsonDocument.Parse(headerBytes);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw TtLoraException.InFile(path, $"header is not valid JSON: {e.Message}");
        }

        using (document)
        {
            try
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw TtLoraException.InFile(path,
                        $"header is a JSON {Describe(root.ValueKind)}, expected an object mapping tensor names to {{dtype, shape, data_offsets}}");
                }

                IReadOnlyDictionary<string, string> metadata = new Dictionary<string, string>(StringComparer.Ordinal);
                var tensors = new List<SafeTensorInfo>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in root.EnumerateObject())
                {
                    // JSON allows repeated keys; the format does not, and silently picking one would hide corruption.
                    if (!seen.Add(property.Name))
                    {
                        throw TtLoraException.InFile(path, $"header names '{property.Name}' twice");
                    }
                    if (property.Name == MetadataKey)
                    {
                        metadata = ParseMetadata(path, property.Value);
                    }
                    else
                    {
                        tensors.Add(ParseEntry(path, property.Name, property.Value));
                    }
                }

                tensors.Sort(static (a, b) =>
                    a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
                CheckLayout(path, tensors, dataLength);
                return new SafeTensorsHeader(dataStart, metadata, tensors);
            }
            catch (InvalidOperationException e)
            {
                // System.Text.Json decodes names and strings lazily: a broken escape (a lone surrogate) surfaces only here.
                throw TtLoraException.InFile(path, $"header holds a name or string that is not valid text ({e.Message})");
            }
        }
    }

    private static Dictionary<string, string> ParseMetadata(string path, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw TtLoraException.InFile(path,
                $"\"{MetadataKey}\" is a JSON {Describe(value.ValueKind)}, expected an object of string values");
        }
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw TtLoraException.InFile(path,
                    $"\"{MetadataKey}\" entry '{entry.Name}' is a JSON {Describe(entry.Value.ValueKind)}, expected a string");
            }
            metadata[entry.Name] = entry.Value.GetString()!;
        }
        return metadata;
    }

    private static SafeTensorInfo ParseEntry(string path, string name, JsonElement entry)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw TtLoraException.InFile(path,
                $"tensor '{name}': entry is a JSON {Describe(entry.ValueKind)}, expected an object with dtype, shape and data_offsets");
        }

        var dtypeElement = Required(path, name, entry, "dtype");
        if (dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw TtLoraException.InFile(path,
                $"tensor '{name}': \"dtype\" is a JSON {Describe(dtypeElement.ValueKind)}, expected a string such as \"F32\"");
        }
        var dtypeName = dtypeElement.GetString()!;
        if (!SafeTensorDTypes.TryParse(dtypeName, out var dtype))
        {
            var supported = string.Join(", ", Enum.GetValues<SafeTensorDType>().Select(d => d.HeaderName()));
            throw TtLoraException.InFile(path,
                $"tensor '{name}' has dtype \"{dtypeName}\", which is not supported (supported: {supported})");
        }

        var shapeElement = Required(path, name, entry, "shape");
        if (shapeElement.ValueKind != JsonValueKind.Array)
        {
            throw TtLoraException.InFile(path,
                $"tensor '{name}': \"shape\" is a JSON {Describe(shapeElement.ValueKind)}, expected an array of dimension sizes");
        }
        var shape = new long[shapeElement.GetArrayLength()];
        var index = 0;
        foreach (var dim in shapeElement.EnumerateArray())
        {
            shape[index++] = NonNegativeInteger(path, name, "shape", dim);
        }

        var offsetsElement = Required(path, name, entry, "data_offsets");
        if (offsetsElement.ValueKind != JsonValueKind.Array || offsetsElement.GetArrayLength() != 2)
        {
            throw TtLoraException.InFile(path,
                $"tensor '{name}': \"data_offsets\" must be an array of two integers [begin, end]");
        }
        var begin = NonNegativeInteger(path, name, "data_offsets", offsetsElement[0]);
        var end = NonNegativeInteger(path, name, "data_offsets", offsetsElement[1]);
        if (end < begin)
        {
            throw TtLoraException.InFile(path,
                $"tensor '{name}': data_offsets [{begin}, {end}] end before they begin");
        }

        var expectedBytes = ExpectedByteLength(path, name, dtype, shape);
        if (end - begin != expectedBytes)
        {
            throw TtLoraException.InFile(path,
                $"tensor '{name}': data_offsets [{begin}, {end}] span {end - begin} bytes, but shape [{string.Join(", ", shape)}] of {dtype.HeaderName()} needs {expectedBytes}");
        }
        return new SafeTensorInfo(name, dtype, shape, begin, end);
    }

    private static JsonElement Required(string path, string name, JsonElement entry, string field)
    {
        if (!entry.TryGetProperty(field, out var value))
        {
            throw TtLoraException.InFile(path, $"tensor '{name}' has no \"{field}\" (each entry needs dtype, shape and data_offsets)");
        }
        return value;
    }

    private static long NonNegativeInteger(string path, string name, string field, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
        {
            throw TtLoraException.InFile(path,
                $"tensor '{name}': \"{field}\" holds {value.GetRawText()}, expected a non-negative integer");
        }
        if (number < 0)
        {
            throw TtLoraException.InFile(path,
                $"tensor '{name}': \"{field}\" holds the negative value {number}");
        }
        return number;
    }

    private static long ExpectedByteLength(string path, string name, SafeTensorDType dtype, long[] shape)
    {
        try
        {
            long bytes = dtype.ElementSize();
            foreach (var dim in shape)
            {
                bytes = checked(bytes * dim);
            }
            return bytes;
        }
        catch (OverflowException)
        {
            throw TtLoraException.InFile(path, $"tensor '{name}': shape [{string.Join(", ", shape)}] is too large to address");
        }
    }

    /// <summary>
    /// Checks that the tensors, sorted by offset, tile [0, dataLength) exactly. Truncation is checked first
    /// because it is the likeliest cause of a bad range and deserves the plainest message.
    /// </summary>
    private static void CheckLayout(string path, List<SafeTensorInfo> tensors, long dataLength)
    {
        foreach (var tensor in tensors)
        {
            if (tensor.End > dataLength)
            {
                throw TtLoraException.InFile(path,
                    $"tensor '{tensor.Name}' needs data bytes [{tensor.Begin}, {tensor.End}) but the data section has only {dataLength} bytes (file truncated?)");
            }
        }

        const string coverRule = "safetensors requires the tensors to cover the data section exactly, without holes";
        long covered = 0;
        SafeTensorInfo? previous = null;
        foreach (var tensor in tensors)
        {
            if (previous is not null && tensor.Begin < previous.End)
            {
                throw TtLoraException.InFile(path,
                    $"tensors '{previous.Name}' [{previous.Begin}, {previous.End}) and '{tensor.Name}' [{tensor.Begin}, {tensor.End}) overlap in the data section");
            }
            if (tensor.Begin > covered)
            {
                var where = previous is null ? $"before tensor '{tensor.Name}'" : $"between tensors '{previous.Name}' and '{tensor.Name}'";
                throw TtLoraException.InFile(path,
                    $"hole in the data section: bytes [{covered}, {tensor.Begin}) {where} belong to no tensor; {coverRule}");
            }
            covered = tensor.End;
            previous = tensor;
        }
        if (covered < dataLength)
        {
            var where = previous is null ? "and the header lists no tensor" : $"after the last tensor '{previous.Name}'";
            throw TtLoraException.InFile(path,
                $"hole in the data section: bytes [{covered}, {dataLength}) {where} belong to no tensor; {coverRule}");
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };
}

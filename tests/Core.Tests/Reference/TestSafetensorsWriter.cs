using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace TtLora.Core.Tests.Reference;

/// <summary>One tensor to write: row-major float values and their shape.</summary>
internal sealed record TestTensor(long[] Shape, float[] Values);

/// <summary>
/// Minimal safetensors writer for test checkpoints, independent of the project's own reader/writer:
/// 8-byte little-endian header length, a JSON header padded with spaces to 8 bytes, then the data.
/// </summary>
internal static class TestSafetensorsWriter
{
    /// <summary>Writes <paramref name="tensors"/> in <paramref name="dtype"/> (F32, F16 or BF16).</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, TestTensor>> tensors, string dtype = "F32")
    {
        var elementSize = dtype == "F32" ? 4 : 2;
        var header = new Dictionary<string, object>();
        var data = new MemoryStream();
        foreach (var (name, tensor) in tensors)
        {
            var begin = data.Length;
            foreach (var value in tensor.Values)
                data.Write(Encode(value, dtype));
            header[name] = new { dtype, shape = tensor.Shape, data_offsets = new[] { begin, data.Length } };
            if (data.Length - begin != tensor.Values.Length * elementSize)
                throw new InvalidOperationException($"{name}: encoded size mismatch");
        }
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        var padded = (json.Length + 7) / 8 * 8;
        var headerBytes = new byte[padded];
        Array.Fill(headerBytes, (byte)' ');
        json.CopyTo(headerBytes, 0);

        var tmp = path + ".tmp";
        using (var file = File.Create(tmp))
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            file.Write(length);
            file.Write(headerBytes);
            data.Position = 0;
            data.CopyTo(file);
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>The value a float becomes after a round trip through <paramref name="dtype"/>.</summary>
    public static float RoundTo(float value, string dtype) => dtype switch
    {
        "F32" => value,
        "F16" => (float)(Half)value,
        "BF16" => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(Encode(value, "BF16")) << 16),
        _ => throw new ArgumentException($"unsupported dtype {dtype}", nameof(dtype)),
    };

    private static byte[] Encode(float value, string dtype)
    {
        switch (dtype)
        {
            case "F32":
            {
                var bytes = new byte[4];
                BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
                return bytes;
            }
            case "F16":
            {
                var bytes = new byte[2];
                BinaryPrimitives.WriteHalfLittleEndian(bytes, (Half)value);
                return bytes;
            }
            case "BF16":
            {
                // Round to nearest even on the 16 dropped mantissa bits (finite test values only).
                var bits = (uint)BitConverter.SingleToInt32Bits(value);
                var rounded = (bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16;
                var bytes = new byte[2];
                BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)rounded);
                return bytes;
            }
            default:
                throw new ArgumentException($"unsupported dtype {dtype}", nameof(dtype));
        }
    }
}

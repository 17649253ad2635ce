using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace TtLora.Core.Data;

/// <summary>
/// Hash-based decisions that never change across runs, machines or .NET versions (unlike string.GetHashCode):
/// SHA-256 of "scope\nkey", first 8 bytes as an unsigned big-endian number.
/// </summary>
public static class StableHash
{
    /// <summary>A 64-bit hash of <paramref name="key"/> within <paramref name="scope"/>.</summary>
    public static ulong Of(string scope, string key)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(scope + "\n" + key), digest);
        return BinaryPrimitives.ReadUInt64BigEndian(digest);
    }

    /// <summary>The hash mapped to [0, 1).</summary>
    public static double Unit(string scope, string key) => (Of(scope, key) >> 11) * (1.0 / (1UL << 53));
}

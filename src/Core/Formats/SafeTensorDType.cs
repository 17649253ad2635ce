using TorchSharp;

namespace TtLora.Core.Formats;

/// <summary>
/// Element types a safetensors file can hold (the subset TorchSharp can represent).
/// The numeric order is Hugging Face's alignment order: writers place larger-aligned types first so every
/// tensor in the data section starts at a multiple of its element size.
/// </summary>
public enum SafeTensorDType
{
    /// <summary>Boolean, one byte (0 or 1).</summary>
    BOOL,
    /// <summary>Unsigned 8-bit integer.</summary>
    U8,
    /// <summary>Signed 8-bit integer.</summary>
    I8,
    /// <summary>Signed 16-bit integer.</summary>
    I16,
    /// <summary>IEEE half precision.</summary>
    F16,
    /// <summary>Brain floating point (upper half of an IEEE single).</summary>
    BF16,
    /// <summary>Signed 32-bit integer.</summary>
    I32,
    /// <summary>IEEE single precision.</summary>
    F32,
    /// <summary>IEEE double precision.</summary>
    F64,
    /// <summary>Signed 64-bit integer.</summary>
    I64,
}

/// <summary>Names, element sizes and TorchSharp equivalents of <see cref="SafeTensorDType"/>.</summary>
public static class SafeTensorDTypes
{
    /// <summary>The dtype named <paramref name="name"/> exactly as the header spells it ("F32", "BF16", ...).</summary>
    public static bool TryParse(string name, out SafeTensorDType dtype)
    {
        // Enum.TryParse would also accept numbers and other casings, which the format does not allow.
        foreach (var candidate in Enum.GetValues<SafeTensorDType>())
        {
            if (string.Equals(candidate.HeaderName(), name, StringComparison.Ordinal))
            {
                dtype = candidate;
                return true;
            }
        }
        dtype = default;
        return false;
    }

    /// <summary>The spelling used in the JSON header.</summary>
    public static string HeaderName(this SafeTensorDType dtype) => dtype.ToString();

    /// <summary>Bytes per element.</summary>
    public static int ElementSize(this SafeTensorDType dtype) => dtype switch
    {
        SafeTensorDType.BOOL or SafeTensorDType.U8 or SafeTensorDType.I8 => 1,
        SafeTensorDType.I16 or SafeTensorDType.F16 or SafeTensorDType.BF16 => 2,
        SafeTensorDType.I32 or SafeTensorDType.F32 => 4,
        SafeTensorDType.F64 or SafeTensorDType.I64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>The TorchSharp element type with the same bit layout.</summary>
    public static torch.ScalarType ToScalarType(this SafeTensorDType dtype) => dtype switch
    {
        SafeTensorDType.BOOL => torch.ScalarType.Bool,
        SafeTensorDType.U8 => torch.ScalarType.Byte,
        SafeTensorDType.I8 => torch.ScalarType.Int8,
        SafeTensorDType.I16 => torch.ScalarType.Int16,
        SafeTensorDType.F16 => torch.ScalarType.Float16,
        SafeTensorDType.BF16 => torch.ScalarType.BFloat16,
        SafeTensorDType.I32 => torch.ScalarType.Int32,
        SafeTensorDType.F32 => torch.ScalarType.Float32,
        SafeTensorDType.F64 => torch.ScalarType.Float64,
        SafeTensorDType.I64 => torch.ScalarType.Int64,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>The safetensors dtype for a TorchSharp element type, or false for types the format lacks (complex, quantized).</summary>
    public static bool TryFromScalarType(torch.ScalarType scalarType, out SafeTensorDType dtype)
    {
        foreach (var candidate in Enum.GetValues<SafeTensorDType>())
        {
            if (candidate.ToScalarType() == scalarType)
            {
                dtype = candidate;
                return true;
            }
        }
        dtype = default;
        return false;
    }
}

namespace TtLora.Core.Formats;

/// <summary>
/// One tensor's header entry: element type, shape and its byte range
/// [<see cref="Begin"/>, <see cref="End"/>) relative to the start of the data section.
/// </summary>
public sealed record SafeTensorInfo(string Name, SafeTensorDType DType, long[] Shape, long Begin, long End)
{
    /// <summary>Bytes the tensor occupies in the file.</summary>
    public long ByteLength => End - Begin;

    /// <summary>Number of elements (1 for a scalar, 0 when any dimension is 0).</summary>
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (var dim in Shape)
            {
                count *= dim;
            }
            return count;
        }
    }
}

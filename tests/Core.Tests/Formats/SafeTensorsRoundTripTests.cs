using TtLora.Core.Formats;

namespace TtLora.Core.Tests.Formats;

public class SafeTensorsRoundTripTests : IDisposable
{
    private readonly SafeTensorsTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>
    /// A tensor of <paramref name="dtype"/> whose memory holds arbitrary bytes (so NaN payloads, subnormals and
    /// negative zeros are in play for float types); bools get 0/1, the only valid values.
    /// </summary>
    private static (Tensor Tensor, byte[] Bytes) RandomTensor(ScalarType dtype, long[] shape, int seed)
    {
        var tensor = torch.empty(shape, dtype);
        var bytes = new byte[tensor.numel() * tensor.ElementSize];
        var random = new Random(seed);
        random.NextBytes(bytes);
        if (dtype == ScalarType.Bool)
        {
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] &= 1;
            }
        }
        tensor.bytes = bytes;
        return (tensor, bytes);
    }

    [Theory]
    [InlineData(ScalarType.Float32, "F32")]
    [InlineData(ScalarType.Float16, "F16")]
    [InlineData(ScalarType.BFloat16, "BF16")]
    [InlineData(ScalarType.Float64, "F64")]
    [InlineData(ScalarType.Int64, "I64")]
    [InlineData(ScalarType.Int32, "I32")]
    [InlineData(ScalarType.Int16, "I16")]
    [InlineData(ScalarType.Int8, "I8")]
    [InlineData(ScalarType.Byte, "U8")]
    [InlineData(ScalarType.Bool, "BOOL")]
    public void EveryDTypeRoundTripsBitExactly(ScalarType dtype, string headerName)
    {
        var shape = new long[] { 3, 5, 2 };
        var (tensor, bytes) = RandomTensor(dtype, shape, seed: (int)dtype);
        using var _ = tensor;
        var path = _files.PathOf("all.safetensors");

        SafeTensorsWriter.Write(path, [("w", tensor)]);

        using var file = SafeTensorsFile.Open(path);
        var info = file.Info("w");
        Assert.Equal(headerName, info.DType.HeaderName());
        Assert.Equal(shape, info.Shape);
        Assert.Equal(bytes.Length, info.ByteLength);
        using var loaded = file.Load("w");
        Assert.Equal(dtype, loaded.dtype);
        Assert.Equal(shape, loaded.shape);
        Assert.Equal(DeviceType.CPU, loaded.device_type);
        Assert.Equal(bytes, loaded.bytes.ToArray());
    }

    [Fact]
    public void ManyTensorsOfMixedTypesRoundTripInOneFile()
    {
        var dtypes = new[] { ScalarType.Bool, ScalarType.BFloat16, ScalarType.Int64, ScalarType.Float16, ScalarType.Byte, ScalarType.Float32 };
        var made = dtypes.Select((d, i) => (Name: $"t{i}", Made: RandomTensor(d, [i + 1, 3], seed: 100 + i))).ToList();
        var path = _files.PathOf("mixed.safetensors");
        try
        {
            SafeTensorsWriter.Write(path, made.Select(m => (m.Name, m.Made.Tensor)));
            using var file = SafeTensorsFile.Open(path);
            Assert.Equal(made.Select(m => m.Name).Order(), file.Names.Order());
            foreach (var (name, (tensor, bytes)) in made)
            {
                using var loaded = file.Load(name);
                Assert.Equal(tensor.dtype, loaded.dtype);
                Assert.Equal(tensor.shape, loaded.shape);
                Assert.Equal(bytes, loaded.bytes.ToArray());
                // Larger element types are written first, so each tensor starts at a multiple of its size.
                var info = file.Info(name);
                Assert.Equal(0, (file.DataStart + info.Begin) % info.DType.ElementSize());
            }
        }
        finally
        {
            foreach (var m in made)
            {
                m.Made.Tensor.Dispose();
            }
        }
    }

    [Fact]
    public void EmptyAndScalarTensorsKeepTheirShapes()
    {
        using var empty = torch.zeros(0, 4, dtype: ScalarType.Float32);
        using var emptyLast = torch.zeros(3, 0, dtype: ScalarType.BFloat16);
        using var scalar = torch.tensor(-2.5f);
        var path = _files.PathOf("shapes.safetensors");

        SafeTensorsWriter.Write(path, [("empty", empty), ("empty_last", emptyLast), ("scalar", scalar)]);

        using var file = SafeTensorsFile.Open(path);
        Assert.Equal(new long[] { 0, 4 }, file.Info("empty").Shape);
        Assert.Equal(0, file.Info("empty").ByteLength);
        Assert.Equal(Array.Empty<long>(), file.Info("scalar").Shape);
        Assert.Equal(4, file.Info("scalar").ByteLength);

        using var loadedEmpty = file.Load("empty");
        Assert.Equal(new long[] { 0, 4 }, loadedEmpty.shape);
        using var loadedEmptyLast = file.Load("empty_last");
        Assert.Equal(new long[] { 3, 0 }, loadedEmptyLast.shape);
        Assert.Equal(ScalarType.BFloat16, loadedEmptyLast.dtype);
        using var loadedScalar = file.Load("scalar");
        Assert.Empty(loadedScalar.shape);
        Assert.Equal(-2.5f, loadedScalar.item<float>());
    }

    [Fact]
    public void NoTensorsAtAllIsAValidFile()
    {
        var path = _files.PathOf("nothing.safetensors");
        SafeTensorsWriter.Write(path, [], new Dictionary<string, string> { ["note"] = "empty" });
        using var file = SafeTensorsFile.Open(path);
        Assert.Empty(file.Names);
        Assert.Equal("empty", file.Metadata["note"]);
    }

    [Fact]
    public void MetadataRoundTripsIncludingCharactersJsonMustEscape()
    {
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["quote \" and backslash \\"] = "line\nbreak\ttab\u0001control",
            ["unicode"] = "naïve – 日本語 🙂",
            ["empty"] = "",
        };
        using var tensor = torch.ones(2);
        var path = _files.PathOf("meta.safetensors");

        SafeTensorsWriter.Write(path, [("weird \"name\" ü", tensor)], metadata);

        using var file = SafeTensorsFile.Open(path);
        Assert.Equal(metadata.OrderBy(e => e.Key), file.Metadata.OrderBy(e => e.Key));
        Assert.Equal(["weird \"name\" ü"], file.Names);
    }

    [Fact]
    public void NonContiguousInputIsWrittenRowMajorAndLeftUnchanged()
    {
        using var source = torch.arange(6, dtype: ScalarType.Float32).reshape(2, 3);
        using var transposed = source.t();
        Assert.False(transposed.is_contiguous());
        var path = _files.PathOf("t.safetensors");

        SafeTensorsWriter.Write(path, [("t", transposed)]);

        Assert.False(transposed.is_contiguous());
        Assert.Equal(new long[] { 3, 2 }, transposed.shape);
        using var file = SafeTensorsFile.Open(path);
        using var loaded = file.Load("t");
        Assert.Equal(new long[] { 3, 2 }, loaded.shape);
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, loaded.data<float>().ToArray());
    }

    [Fact]
    public void SlicedViewWritesOnlyItsOwnElements()
    {
        using var source = torch.arange(10, dtype: ScalarType.Int32);
        using var middle = source.narrow(0, 3, 4);
        var path = _files.PathOf("view.safetensors");

        SafeTensorsWriter.Write(path, [("m", middle)]);

        using var file = SafeTensorsFile.Open(path);
        using var loaded = file.Load("m");
        Assert.Equal(new[] { 3, 4, 5, 6 }, loaded.data<int>().ToArray());
    }

    [Fact]
    public void ChunkedReadAndWriteMatchSingleShot()
    {
        // The chunked paths exist for tensors over 2 GiB; tiny chunks exercise the same code on 10 floats.
        var (tensor, bytes) = RandomTensor(ScalarType.Float32, [2, 5], seed: 7);
        using var _ = tensor;
        var whole = _files.PathOf("whole.safetensors");
        var chunked = _files.PathOf("chunked.safetensors");

        SafeTensorsWriter.Write(whole, [("x", tensor)]);
        SafeTensorsWriter.WriteFile(chunked, [("x", tensor)], metadata: null, chunkBytes: 12);

        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(chunked));
        using var file = SafeTensorsFile.Open(chunked);
        using var loaded = file.Load("x", chunkBytes: 12);
        Assert.Equal(bytes, loaded.bytes.ToArray());
    }

    [Fact]
    public void RewritingReplacesTheFileAndLeavesNoTemporaryFiles()
    {
        using var first = torch.ones(3);
        using var second = torch.full(2, 7f);
        var path = _files.PathOf("w.safetensors");

        SafeTensorsWriter.Write(path, [("a", first)]);
        SafeTensorsWriter.Write(path, [("b", second)]);

        using var file = SafeTensorsFile.Open(path);
        Assert.Equal(["b"], file.Names);
        Assert.Equal(["w.safetensors"], Directory.GetFiles(_files.Folder).Select(Path.GetFileName));
    }

    [Fact]
    public void LoadedTensorsOutliveTheFile()
    {
        using var tensor = torch.tensor(new float[] { 1, 2, 3 });
        var path = _files.PathOf("x.safetensors");
        SafeTensorsWriter.Write(path, [("x", tensor)]);

        Tensor loaded;
        using (var file = SafeTensorsFile.Open(path))
        {
            loaded = file.Load("x");
        }
        using (loaded)
        {
            Assert.Equal(new float[] { 1, 2, 3 }, loaded.data<float>().ToArray());
        }
    }
}

using System.Buffers.Binary;
using System.Text;
using TtLora.Core.Formats;

namespace TtLora.Core.Tests.Formats;

/// <summary>
/// Byte-level checks against the format specification, independent of reading our own output: hand-made
/// files must read correctly, and written files must match what the reference writer produces.
/// </summary>
public class SafeTensorsSpecTests : IDisposable
{
    private readonly SafeTensorsTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void ReadsAHandMadeFileWithPaddedHeaderUnsortedEntriesAndMetadata()
    {
        // Entries listed out of offset order, with whitespace inside the JSON and trailing space padding.
        var header =
            "{ \"a\": {\"dtype\": \"F32\", \"shape\": [2, 1], \"data_offsets\": [16, 24]},\n" +
            "  \"__metadata__\": {\"format\": \"pt\"},\n" +
            "  \"b\": {\"shape\": [2], \"dtype\": \"I64\", \"data_offsets\": [0, 16]},\n" +
            "  \"c\": {\"dtype\": \"BF16\", \"shape\": [], \"data_offsets\": [24, 26]},\n" +
            "  \"d\": {\"dtype\": \"BOOL\", \"shape\": [3], \"data_offsets\": [26, 29]},\n" +
            "  \"e\": {\"dtype\": \"F16\", \"shape\": [0, 7], \"data_offsets\": [29, 29]} }     ";
        var data = SafeTensorsTestFiles.Longs(7, -3)
            .Concat(SafeTensorsTestFiles.Floats(1.5f, -0.25f))
            .Concat(new byte[] { 0xC0, 0x3F })          // bf16 0x3FC0 = 1.5
            .Concat(new byte[] { 1, 0, 1 })
            .ToArray();
        var path = _files.Raw("hand.safetensors", header, data);

        using var file = SafeTensorsFile.Open(path);

        Assert.Equal(path, file.Path);
        Assert.Equal(8 + Encoding.UTF8.GetByteCount(header), file.DataStart);
        Assert.Equal(new Dictionary<string, string> { ["format"] = "pt" }, file.Metadata);
        Assert.Equal(["b", "a", "c", "d", "e"], file.Names);   // file (offset) order
        var info = file.Info("a");
        Assert.Equal(("a", SafeTensorDType.F32, 16L, 24L, 2L), (info.Name, info.DType, info.Begin, info.End, info.ElementCount));
        Assert.Equal(new long[] { 2, 1 }, info.Shape);

        using var a = file.Load("a");
        Assert.Equal(ScalarType.Float32, a.dtype);
        Assert.Equal(new long[] { 2, 1 }, a.shape);
        Assert.Equal(new[] { 1.5f, -0.25f }, a.data<float>().ToArray());
        using var b = file.Load("b");
        Assert.Equal(new long[] { 7, -3 }, b.data<long>().ToArray());
        using var c = file.Load("c");
        Assert.Equal(ScalarType.BFloat16, c.dtype);
        Assert.Empty(c.shape);
        Assert.Equal(1.5f, c.to(ScalarType.Float32).item<float>());
        using var d = file.Load("d");
        Assert.Equal(new[] { true, false, true }, d.data<bool>().ToArray());
        using var e = file.Load("e");
        Assert.Equal(new long[] { 0, 7 }, e.shape);
        Assert.Equal(ScalarType.Float16, e.dtype);
    }

    [Fact]
    public void InfoReturnsACopyThatCannotCorruptLaterLoads()
    {
        var path = _files.Raw("h.safetensors", "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
            SafeTensorsTestFiles.Floats(3, 4));
        using var file = SafeTensorsFile.Open(path);
        file.Info("x").Shape[0] = 99;
        using var x = file.Load("x");
        Assert.Equal(new long[] { 2 }, x.shape);
    }

    /// <summary>
    /// The exact bytes the reference writer emits for a [1,2,3] F32 tensor "attn.0" holding 0..5: compact JSON
    /// with keys dtype, shape, data_offsets; this header is 64 bytes, already a multiple of 8, so no padding.
    /// </summary>
    [Fact]
    public void WritesTheSameBytesAsTheReferenceWriter()
    {
        using var tensor = torch.arange(6, dtype: ScalarType.Float32).reshape(1, 2, 3);
        var path = _files.PathOf("ref.safetensors");

        SafeTensorsWriter.Write(path, [("attn.0", tensor)]);

        const string header = "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}";
        Assert.Equal(64, header.Length);
        var expected = LengthPrefix(64).Concat(Encoding.ASCII.GetBytes(header))
            .Concat(SafeTensorsTestFiles.Floats(0, 1, 2, 3, 4, 5)).ToArray();
        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    /// <summary>A 65-byte header is padded with 7 spaces to 72 so the data starts 8-byte aligned (8 + 72 = 80).</summary>
    [Fact]
    public void PadsTheHeaderWithSpacesToAlignTheDataTo8Bytes()
    {
        using var tensor = torch.arange(6, dtype: ScalarType.Float32).reshape(1, 1, 2, 3);
        var path = _files.PathOf("pad.safetensors");

        SafeTensorsWriter.Write(path, [("attn0", tensor)]);

        const string header = "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}";
        Assert.Equal(65, header.Length);
        var expected = LengthPrefix(72).Concat(Encoding.ASCII.GetBytes(header + new string(' ', 7)))
            .Concat(SafeTensorsTestFiles.Floats(0, 1, 2, 3, 4, 5)).ToArray();
        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    [Fact]
    public void WritesMetadataFirstAndAnEmptyFileAsTheReferenceWriterDoes()
    {
        var path = _files.PathOf("empty.safetensors");

        SafeTensorsWriter.Write(path, []);
        Assert.Equal(LengthPrefix(8).Concat("{}      "u8.ToArray()).ToArray(), File.ReadAllBytes(path));

        SafeTensorsWriter.Write(path, [], new Dictionary<string, string> { ["framework"] = "pt" });
        var header = "{\"__metadata__\":{\"framework\":\"pt\"}}";
        Assert.Equal(35, header.Length);
        Assert.Equal(LengthPrefix(40).Concat(Encoding.ASCII.GetBytes(header + "     ")).ToArray(), File.ReadAllBytes(path));
    }

    [Fact]
    public void OrdersDataByElementSizeThenNameAndStoresHalfTypesAsRawBits()
    {
        using var half = torch.tensor(new float[] { 1, -2 }).to(ScalarType.Float16);       // 0x3C00, 0xC000
        using var brain = torch.tensor(new float[] { 1, -2 }).to(ScalarType.BFloat16);     // 0x3F80, 0xC000
        using var wide = torch.tensor(new long[] { 258 });
        using var flag = torch.tensor(new[] { true });
        var path = _files.PathOf("order.safetensors");

        SafeTensorsWriter.Write(path, [("z_flag", flag), ("b_half", half), ("a_brain", brain), ("y_wide", wide)]);

        var bytes = File.ReadAllBytes(path);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, (8 + headerLength) % 8);
        var header = Encoding.UTF8.GetString(bytes, 8, headerLength);
        Assert.Equal(
            "{\"y_wide\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}," +
            "\"a_brain\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[8,12]}," +
            "\"b_half\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[12,16]}," +
            "\"z_flag\":{\"dtype\":\"BOOL\",\"shape\":[1],\"data_offsets\":[16,17]}}",
            header.TrimEnd(' '));
        var data = bytes.AsSpan(8 + headerLength).ToArray();
        Assert.Equal(new byte[]
        {
            2, 1, 0, 0, 0, 0, 0, 0,     // I64 258
            0x80, 0x3F, 0x00, 0xC0,     // BF16 1, -2
            0x00, 0x3C, 0x00, 0xC0,     // F16 1, -2
            1,                          // BOOL true
        }, data);
    }

    private static byte[] LengthPrefix(ulong length)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, length);
        return bytes;
    }
}

using TtLora.Core.Formats;

namespace TtLora.Core.Tests.Formats;

/// <summary>Every malformed input is refused on Open with one message that starts with the file and names the problem.</summary>
public class SafeTensorsValidationTests : IDisposable
{
    private readonly SafeTensorsTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static void AssertOpenFails(string path, params string[] fragments)
    {
        var error = Assert.Throws<TtLoraException>(() => SafeTensorsFile.Open(path).Dispose());
        Assert.StartsWith(path + ": ", error.Message);
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, error.Message);
        }
    }

    private string Entry(string header, byte[] data) => _files.Raw("bad.safetensors", header, data);

    [Fact]
    public void MissingFile()
    {
        AssertOpenFails(_files.PathOf("absent.safetensors"), "file not found");
    }

    [Fact]
    public void FileShorterThanTheLengthPrefix()
    {
        var path = _files.PathOf("short.safetensors");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5]);
        AssertOpenFails(path, "file is 5 bytes", "shorter than the 8-byte header length");
    }

    [Fact]
    public void HeaderLengthLargerThanTheFile()
    {
        var path = _files.Raw("long.safetensors", "{}", [], declaredHeaderLength: 1000);
        AssertOpenFails(path, "header length 1000 is larger than the 2 bytes that follow it");
    }

    [Fact]
    public void HugeHeaderLengthIsNotAllocated()
    {
        var path = _files.Raw("huge.safetensors", "{}", [], declaredHeaderLength: ulong.MaxValue);
        AssertOpenFails(path, $"header length {ulong.MaxValue} is larger than");
    }

    [Theory]
    [InlineData("{\"a\":", "header is not valid JSON")]
    [InlineData("", "header is not valid JSON")]
    [InlineData("{\"a\":{}}\0\0", "header is not valid JSON")]
    [InlineData("[1, 2]", "header is a JSON array, expected an object")]
    [InlineData("\"text\"", "header is a JSON string, expected an object")]
    public void HeaderNotAJsonObject(string header, string expected)
    {
        AssertOpenFails(Entry(header, []), expected);
    }

    [Fact]
    public void HeaderNotUtf8()
    {
        var path = _files.PathOf("latin1.safetensors");
        byte[] header = [(byte)'{', (byte)'"', 0xFF, 0xFE, (byte)'"', (byte)':', (byte)'1', (byte)'}'];
        File.WriteAllBytes(path, [8, 0, 0, 0, 0, 0, 0, 0, .. header]);
        AssertOpenFails(path, "header is not valid UTF-8 text");
    }

    [Fact]
    public void EntryNotAnObject()
    {
        AssertOpenFails(Entry("{\"w\": [1, 2]}", []), "tensor 'w': entry is a JSON array, expected an object with dtype, shape and data_offsets");
    }

    [Theory]
    [InlineData("dtype", "{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}")]
    [InlineData("shape", "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}")]
    [InlineData("data_offsets", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}")]
    public void EntryMissingAField(string field, string header)
    {
        AssertOpenFails(Entry(header, new byte[4]), $"tensor 'w' has no \"{field}\"");
    }

    [Theory]
    [InlineData("{\"w\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}}", "tensor 'w': \"dtype\" is a JSON number, expected a string")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":\"1\",\"data_offsets\":[0,4]}}", "tensor 'w': \"shape\" is a JSON string, expected an array")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", "tensor 'w': \"shape\" holds 1.5, expected a non-negative integer")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}}", "tensor 'w': \"shape\" holds \"1\", expected a non-negative integer")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", "tensor 'w': \"data_offsets\" must be an array of two integers")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":{\"0\":4}}}", "tensor 'w': \"data_offsets\" must be an array of two integers")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,\"4\"]}}", "tensor 'w': \"data_offsets\" holds \"4\", expected a non-negative integer")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", "tensor 'w': \"data_offsets\" holds the negative value -4")]
    public void EntryFieldsOfTheWrongJsonType(string header, string expected)
    {
        AssertOpenFails(Entry(header, new byte[4]), expected);
    }

    [Fact]
    public void UnknownDTypeNamesFileTensorAndDType()
    {
        AssertOpenFails(Entry("{\"layer.w\":{\"dtype\":\"F8_E4M3\",\"shape\":[4],\"data_offsets\":[0,4]}}", new byte[4]),
            "tensor 'layer.w' has dtype \"F8_E4M3\", which is not supported", "BF16");
    }

    [Fact]
    public void DTypeNamesAreCaseSensitive()
    {
        AssertOpenFails(Entry("{\"w\":{\"dtype\":\"f32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]),
            "tensor 'w' has dtype \"f32\", which is not supported");
    }

    [Fact]
    public void NegativeDimension()
    {
        AssertOpenFails(Entry("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,-1],\"data_offsets\":[0,0]}}", []),
            "tensor 'w': \"shape\" holds the negative value -1");
    }

    [Fact]
    public void EndBeforeBegin()
    {
        AssertOpenFails(Entry("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", new byte[8]),
            "tensor 'w': data_offsets [8, 4] end before they begin");
    }

    [Fact]
    public void ByteLengthDisagreesWithShapeAndDType()
    {
        AssertOpenFails(Entry("{\"w\":{\"dtype\":\"BF16\",\"shape\":[2,3],\"data_offsets\":[0,24]}}", new byte[24]),
            "tensor 'w': data_offsets [0, 24] span 24 bytes, but shape [2, 3] of BF16 needs 12");
    }

    [Fact]
    public void ShapeTooLargeToAddress()
    {
        AssertOpenFails(Entry("{\"w\":{\"dtype\":\"F64\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", new byte[8]),
            "tensor 'w': shape [4294967296, 4294967296] is too large to address");
    }

    [Fact]
    public void TruncatedFile()
    {
        using var tensor = torch.ones(4, 4);
        var path = _files.PathOf("cut.safetensors");
        SafeTensorsWriter.Write(path, [("weight", tensor)]);
        using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.SetLength(stream.Length - 10);
        }
        AssertOpenFails(path, "tensor 'weight' needs data bytes [0, 64) but the data section has only 54 bytes (file truncated?)");
    }

    [Fact]
    public void OverlappingRanges()
    {
        AssertOpenFails(Entry(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                new byte[12]),
            "tensors 'a' [0, 8) and 'b' [4, 12) overlap in the data section");
    }

    [Fact]
    public void HoleBetweenTensors()
    {
        AssertOpenFails(Entry(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}",
                new byte[12]),
            "hole in the data section: bytes [4, 8) between tensors 'a' and 'b' belong to no tensor",
            "without holes");
    }

    [Fact]
    public void HoleBeforeTheFirstTensor()
    {
        AssertOpenFails(Entry("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]),
            "hole in the data section: bytes [0, 4) before tensor 'a' belong to no tensor");
    }

    [Fact]
    public void TrailingBytesAfterTheLastTensor()
    {
        AssertOpenFails(Entry("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[6]),
            "hole in the data section: bytes [4, 6) after the last tensor 'a' belong to no tensor");
    }

    [Fact]
    public void DataWithoutAnyTensor()
    {
        AssertOpenFails(Entry("{}", new byte[3]),
            "hole in the data section: bytes [0, 3) and the header lists no tensor belong to no tensor");
    }

    [Fact]
    public void MetadataMustMapStringsToStrings()
    {
        AssertOpenFails(Entry("{\"__metadata__\":{\"epoch\":3}}", []),
            "\"__metadata__\" entry 'epoch' is a JSON number, expected a string");
        AssertOpenFails(Entry("{\"__metadata__\":[\"pt\"]}", []),
            "\"__metadata__\" is a JSON array, expected an object of string values");
    }

    [Fact]
    public void RepeatedTensorName()
    {
        AssertOpenFails(Entry(
                "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}",
                new byte[2]),
            "header names 'a' twice");
    }

    [Fact]
    public void LoadingAnAbsentNameListsWhatTheFileHolds()
    {
        using var tensor = torch.ones(1);
        var path = _files.PathOf("one.safetensors");
        SafeTensorsWriter.Write(path, [("model.embed_tokens.weight", tensor)]);
        using var file = SafeTensorsFile.Open(path);

        Assert.False(file.Contains("lm_head.weight"));
        var load = Assert.Throws<TtLoraException>(() => file.Load("lm_head.weight"));
        Assert.Equal($"{path}: tensor 'lm_head.weight' is not in the file (it holds 1 tensors, e.g. 'model.embed_tokens.weight')", load.Message);
        var info = Assert.Throws<TtLoraException>(() => file.Info("lm_head.weight"));
        Assert.Equal(load.Message, info.Message);
    }

    [Fact]
    public void WriterRefusesDuplicateReservedAndUnsupportedTensors()
    {
        var path = _files.PathOf("out.safetensors");
        using var a = torch.ones(2);
        using var complex = torch.zeros(2, dtype: ScalarType.ComplexFloat32);

        var duplicate = Assert.Throws<TtLoraException>(() => SafeTensorsWriter.Write(path, [("w", a), ("w", a)]));
        Assert.Equal($"{path}: two tensors are named 'w'; tensor names must be unique", duplicate.Message);

        var reserved = Assert.Throws<TtLoraException>(() => SafeTensorsWriter.Write(path, [("__metadata__", a)]));
        Assert.Equal($"{path}: '__metadata__' is reserved for metadata and cannot name a tensor", reserved.Message);

        var unsupported = Assert.Throws<TtLoraException>(() => SafeTensorsWriter.Write(path, [("z", complex)]));
        Assert.Equal($"{path}: tensor 'z' has element type ComplexFloat32, which safetensors cannot store", unsupported.Message);

        Assert.Empty(Directory.GetFiles(_files.Folder));
    }
}

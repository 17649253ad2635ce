using System.Text.Json;
using TtLora.Core.Formats;

namespace TtLora.Core.Tests.Formats;

/// <summary>
/// Interoperability with an independent implementation: a short pure-Python program (json + struct only) reads a
/// file we wrote, checking the rules the reference reader enforces, and writes a file we must read.
/// </summary>
public class SafeTensorsPythonInteropTests : IDisposable
{
    private readonly SafeTensorsTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private const string ReaderScript = """
        import json, struct, sys

        data = open(sys.argv[1], "rb").read()
        (n,) = struct.unpack("<Q", data[:8])
        assert (8 + n) % 8 == 0, "data section is not 8-byte aligned"
        raw = data[8:8 + n]
        assert raw[:1] == b"{", "header does not start with {"
        header = json.loads(raw.decode("utf-8"))
        metadata = header.pop("__metadata__", {})
        start = 8 + n
        covered = 0
        for name, entry in sorted(header.items(), key=lambda e: e[1]["data_offsets"]):
            assert set(entry) == {"dtype", "shape", "data_offsets"}, entry
            begin, end = entry["data_offsets"]
            assert begin == covered, f"{name} begins at {begin}, expected {covered}"
            covered = end
        assert start + covered == len(data), "tensors do not cover the data section"

        weight = header["weight"]
        count = 1
        for dim in weight["shape"]:
            count *= dim
        begin, end = weight["data_offsets"]
        values = struct.unpack(f"<{count}f", data[start + begin:start + end])
        print(json.dumps({"metadata": metadata, "dtype": weight["dtype"], "shape": weight["shape"],
                          "values": list(values), "names": sorted(header)}))
        """;

    // json.dumps defaults to ", " and ": " separators, and no alignment padding: still a valid file.
    private const string WriterScript = """
        import json, struct, sys

        weight = struct.pack("<4f", 0.5, -1.25, 3.0, 1e-3)
        steps = struct.pack("<2q", 7, -9000000000)
        header = {
            "__metadata__": {"format": "pt", "source": "python"},
            "weight": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]},
            "steps": {"dtype": "I64", "shape": [2], "data_offsets": [16, 32]},
        }
        raw = json.dumps(header).encode("utf-8")
        with open(sys.argv[1], "wb") as f:
            f.write(struct.pack("<Q", len(raw)))
            f.write(raw)
            f.write(weight)
            f.write(steps)
        """;

    private string RunPython(string script, string argument)
    {
        var scriptPath = _files.PathOf("script.py");
        File.WriteAllText(scriptPath, script);
        var run = ChildProcess.TryRun("python3", [scriptPath, argument], TimeSpan.FromSeconds(60));
        Assert.True(run is not null, "python3 is required for the safetensors interoperability test but could not be started; install Python 3 and put python3 on PATH");
        Assert.True(run.ExitCode == 0, $"python3 failed with exit code {run.ExitCode}: {run.Error}");
        return run.Output;
    }

    [Fact]
    public void PythonReadsAFileWeWrote()
    {
        float[] values = [1.5f, -2.25f, 0f, 1e-7f, 3.4028235e38f, -0.1f];
        using var weight = torch.tensor(values).reshape(2, 3);
        using var bias = torch.tensor(new float[] { 1, 2 }).to(ScalarType.BFloat16);
        using var ids = torch.tensor(new long[] { 5 });
        var path = _files.PathOf("for-python.safetensors");
        SafeTensorsWriter.Write(path, [("weight", weight), ("bias", bias), ("ids", ids)],
            new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ü \"q\"" });

        using var output = JsonDocument.Parse(RunPython(ReaderScript, path));
        var root = output.RootElement;
        Assert.Equal("F32", root.GetProperty("dtype").GetString());
        Assert.Equal(new long[] { 2, 3 }, root.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        // Python widens each float32 to a double and prints it exactly; narrowing back must give the same bits.
        Assert.Equal(values, root.GetProperty("values").EnumerateArray().Select(v => (float)v.GetDouble()));
        Assert.Equal(["bias", "ids", "weight"], root.GetProperty("names").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal("ü \"q\"", root.GetProperty("metadata").GetProperty("note").GetString());
        Assert.Equal("pt", root.GetProperty("metadata").GetProperty("format").GetString());
    }

    [Fact]
    public void WeReadAFilePythonWrote()
    {
        var path = _files.PathOf("from-python.safetensors");
        RunPython(WriterScript, path);

        using var file = SafeTensorsFile.Open(path);
        Assert.Equal("python", file.Metadata["source"]);
        using var weight = file.Load("weight");
        Assert.Equal(new long[] { 2, 2 }, weight.shape);
        Assert.Equal(new[] { 0.5f, -1.25f, 3.0f, 1e-3f }, weight.data<float>().ToArray());
        using var steps = file.Load("steps");
        Assert.Equal(new long[] { 7, -9000000000 }, steps.data<long>().ToArray());
    }
}

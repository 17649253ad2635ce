using System.Text.Json;
using TtLora.Core.Formats;

namespace TtLora.Core.Tests.Formats;

public class SafeTensorsShardedTests : IDisposable
{
    private readonly SafeTensorsTestFiles _files = new();
    private readonly List<(string Name, Tensor Tensor)> _model;

    public SafeTensorsShardedTests()
    {
        // 40 + 24 + 64 + 16 + 6 = 150 bytes of tensor data, in state-dict order.
        _model =
        [
            ("model.embed_tokens.weight", torch.rand(2, 5)),
            ("model.layers.0.self_attn.q_proj.weight", torch.rand(3, 4).to(ScalarType.BFloat16)),
            ("model.layers.0.mlp.up_proj.weight", torch.rand(4, 2, dtype: ScalarType.Float64)),
            ("model.norm.weight", torch.tensor(new long[] { 1, -2 })),
            ("lm_head.weight", torch.rand(3).to(ScalarType.Float16)),
        ];
    }

    public void Dispose()
    {
        foreach (var (_, tensor) in _model)
        {
            tensor.Dispose();
        }
        _files.Dispose();
    }

    private void AssertHoldsTheModel(ISafeTensorsReader reader)
    {
        Assert.Equal(_model.Select(m => m.Name).Order(StringComparer.Ordinal), reader.Names.Order(StringComparer.Ordinal));
        foreach (var (name, tensor) in _model)
        {
            using var loaded = reader.Load(name);
            Assert.Equal(tensor.dtype, loaded.dtype);
            Assert.Equal(tensor.shape, loaded.shape);
            Assert.Equal(tensor.bytes.ToArray(), loaded.bytes.ToArray());
            Assert.Equal(tensor.shape, reader.Info(name).Shape);
        }
    }

    [Fact]
    public void ShardsInInputOrderAndReadsBackThroughTheIndex()
    {
        var dir = _files.PathOf("model");
        var metadata = new Dictionary<string, string> { ["format"] = "pt" };

        // Limit 70: [embed 40 + q 24 = 64], [up 64], [norm 16 + lm_head 6 = 22].
        var written = SafeTensorsWriter.WriteSharded(dir, _model, maxShardBytes: 70, metadata);

        string[] shards = ["model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors"];
        Assert.Equal([.. shards, "model.safetensors.index.json"], written);
        Assert.Equal([.. shards, "model.safetensors.index.json"],
            Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        using (var index = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "model.safetensors.index.json"))))
        {
            Assert.Equal(150, index.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64());
            var map = index.RootElement.GetProperty("weight_map").EnumerateObject().Select(p => (p.Name, p.Value.GetString())).ToArray();
            Assert.Equal(
            [
                ("lm_head.weight", shards[2]),
                ("model.embed_tokens.weight", shards[0]),
                ("model.layers.0.mlp.up_proj.weight", shards[1]),
                ("model.layers.0.self_attn.q_proj.weight", shards[0]),
                ("model.norm.weight", shards[2]),
            ], map);
        }
        using (var first = SafeTensorsFile.Open(Path.Combine(dir, shards[0])))
        {
            Assert.Equal(["model.embed_tokens.weight", "model.layers.0.self_attn.q_proj.weight"], first.Names);
            Assert.Equal("pt", first.Metadata["format"]);
        }

        using var checkpoint = SafeTensorsCheckpoint.Open(dir);
        Assert.True(checkpoint.IsSharded);
        Assert.Equal(150, checkpoint.TotalSize);
        Assert.Equal(3, checkpoint.Files.Count);
        Assert.Equal("pt", checkpoint.Metadata["format"]);
        Assert.Equal(Path.Combine(dir, shards[1]), checkpoint.PathOf("model.layers.0.mlp.up_proj.weight"));
        AssertHoldsTheModel(checkpoint);
    }

    [Fact]
    public void WritesOneFileWhenEverythingFits()
    {
        var dir = _files.PathOf("small");

        var written = SafeTensorsWriter.WriteSharded(dir, _model, maxShardBytes: 150);

        Assert.Equal(["model.safetensors"], written);
        Assert.Equal(["model.safetensors"], Directory.GetFiles(dir).Select(Path.GetFileName));
        using var checkpoint = SafeTensorsCheckpoint.Open(dir);
        Assert.False(checkpoint.IsSharded);
        Assert.Null(checkpoint.TotalSize);
        AssertHoldsTheModel(checkpoint);
    }

    [Fact]
    public void ATensorLargerThanTheLimitGetsAShardOfItsOwn()
    {
        var dir = _files.PathOf("tiny-limit");

        var written = SafeTensorsWriter.WriteSharded(dir, _model, maxShardBytes: 1);

        Assert.Equal(6, written.Count);
        Assert.Equal("model-00005-of-00005.safetensors", written[4]);
        using var checkpoint = SafeTensorsCheckpoint.Open(dir);
        Assert.Equal(5, checkpoint.Files.Count);
        AssertHoldsTheModel(checkpoint);
    }

    [Fact]
    public void RewritingRemovesFilesOfTheEarlierLayout()
    {
        var dir = _files.PathOf("rewrite");
        SafeTensorsWriter.WriteSharded(dir, _model, maxShardBytes: 1);
        File.WriteAllText(Path.Combine(dir, "config.json"), "{}");

        // Sharded -> single: the index would otherwise shadow model.safetensors.
        SafeTensorsWriter.WriteSharded(dir, _model, maxShardBytes: 1000);
        Assert.Equal(["config.json", "model.safetensors"], Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // Single -> sharded in fewer shards than before.
        SafeTensorsWriter.WriteSharded(dir, _model, maxShardBytes: 100);
        Assert.Equal(["config.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "model.safetensors.index.json"],
            Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using var checkpoint = SafeTensorsCheckpoint.Open(dir);
        AssertHoldsTheModel(checkpoint);
    }

    [Fact]
    public void ShardedWriterRefusesBadArguments()
    {
        var dir = _files.PathOf("bad");
        var limit = Assert.Throws<TtLoraException>(() => SafeTensorsWriter.WriteSharded(dir, _model, maxShardBytes: 0));
        Assert.Equal("maximum shard size must be a positive number of bytes, got 0", limit.Message);

        var duplicate = Assert.Throws<TtLoraException>(() =>
            SafeTensorsWriter.WriteSharded(dir, [.. _model, _model[0]], maxShardBytes: 1));
        Assert.Equal($"{dir}: two tensors are named 'model.embed_tokens.weight'; tensor names must be unique", duplicate.Message);
        Assert.False(Directory.Exists(dir));
    }

    private static TtLoraException OpenFails(string dir) =>
        Assert.Throws<TtLoraException>(() => SafeTensorsCheckpoint.Open(dir).Dispose());

    [Fact]
    public void FolderWithoutWeightsNamesBothExpectedFiles()
    {
        var dir = _files.PathOf("empty-model");
        Directory.CreateDirectory(dir);
        var error = OpenFails(dir);
        Assert.Equal($"{dir}: no weights found: expected model.safetensors.index.json (sharded) or model.safetensors in this folder", error.Message);
    }

    [Fact]
    public void MissingFolder()
    {
        var dir = _files.PathOf("nowhere");
        Assert.Equal($"{dir}: model folder not found", OpenFails(dir).Message);
    }

    [Fact]
    public void MissingShardIsNamed()
    {
        var dir = _files.PathOf("lost-shard");
        SafeTensorsWriter.WriteSharded(dir, _model, maxShardBytes: 70);
        File.Delete(Path.Combine(dir, "model-00002-of-00003.safetensors"));

        var error = OpenFails(dir);
        Assert.Equal($"{Path.Combine(dir, "model.safetensors.index.json")}: shard 'model-00002-of-00003.safetensors' (holding tensor 'model.layers.0.mlp.up_proj.weight') does not exist in the folder",
            error.Message);
    }

    [Fact]
    public void TensorMappedToAShardThatLacksItNamesBoth()
    {
        var dir = _files.PathOf("wrong-map");
        SafeTensorsWriter.WriteSharded(dir, _model, maxShardBytes: 70);
        var indexPath = Path.Combine(dir, "model.safetensors.index.json");
        File.WriteAllText(indexPath, File.ReadAllText(indexPath).Replace(
            "\"model.norm.weight\": \"model-00003-of-00003.safetensors\"",
            "\"model.norm.weight\": \"model-00001-of-00003.safetensors\""));

        var error = OpenFails(dir);
        Assert.Equal($"{Path.Combine(dir, "model-00001-of-00003.safetensors")}: tensor 'model.norm.weight' is mapped to this shard by {indexPath} but the shard does not contain it",
            error.Message);
    }

    [Theory]
    [InlineData("{\"weight_map\": ", "not valid JSON")]
    [InlineData("{\"metadata\": {\"total_size\": 4}}", "expected a JSON object with a \"weight_map\" object")]
    [InlineData("[]", "expected a JSON object with a \"weight_map\" object")]
    [InlineData("{\"weight_map\": {\"w\": 3}}", "weight_map entry 'w' must be a shard file name (a non-empty string), got 3")]
    [InlineData("{\"weight_map\": {\"w\": \"../other/model.safetensors\"}}", "weight_map entry 'w' points to '../other/model.safetensors', outside the model folder")]
    [InlineData("{\"weight_map\": {\"w\": \"/etc/model.safetensors\"}}", "weight_map entry 'w' points to '/etc/model.safetensors', outside the model folder")]
    public void BadIndexIsNamed(string index, string expected)
    {
        var dir = _files.PathOf("bad-index");
        Directory.CreateDirectory(dir);
        var indexPath = Path.Combine(dir, "model.safetensors.index.json");
        File.WriteAllText(indexPath, index);

        var error = OpenFails(dir);
        Assert.StartsWith(indexPath + ": ", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void BrokenShardReportsTheShardFile()
    {
        var dir = _files.PathOf("broken-shard");
        SafeTensorsWriter.WriteSharded(dir, _model, maxShardBytes: 70);
        var shard = Path.Combine(dir, "model-00003-of-00003.safetensors");
        File.WriteAllBytes(shard, [1, 2]);

        Assert.Equal($"{shard}: file is 2 bytes, shorter than the 8-byte header length that starts every safetensors file",
            OpenFails(dir).Message);
    }

    [Fact]
    public void LoadingAnAbsentNameFromACheckpoint()
    {
        var dir = _files.PathOf("absent");
        SafeTensorsWriter.WriteSharded(dir, _model, maxShardBytes: 70);
        using var checkpoint = SafeTensorsCheckpoint.Open(dir);

        Assert.False(checkpoint.Contains("score.weight"));
        var error = Assert.Throws<TtLoraException>(() => checkpoint.Load("score.weight"));
        Assert.Equal($"{dir}: tensor 'score.weight' is not in the checkpoint (not in the weight_map of model.safetensors.index.json; 5 tensors)", error.Message);
    }
}

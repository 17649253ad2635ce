using TtLora.Core.Formats;
using TtLora.Core.Models;
using static TorchSharp.torch;

namespace TtLora.Core.Tests.Models;

/// <summary>
/// The load path of Hub-like sharded checkpoints: a small bfloat16 model written by <c>model create</c>'s code in many
/// shards loads bit-for-bit, with every tensor read straight into its parameter; a dtype change takes the copying path.
/// </summary>
public class ShardedCheckpointLoadTests
{
    static LlamaConfig Small => ModelPresets.Get("tiny") with { VocabSize = 300 };

    [Fact]
    public void ShardedBfloat16CheckpointLoadsBitForBit()
    {
        using var dir = new TempFolder();
        RandomCheckpoint.Create(dir.Path, Small, tokenizerPath: null, seed: 7, ScalarType.BFloat16, maxShardBytes: 30_000);
        var shards = Directory.GetFiles(dir.Path, "model-*-of-*.safetensors");
        Assert.True(shards.Length >= 3, $"expected several shards, got {shards.Length}");
        Assert.True(File.Exists(Path.Combine(dir.Path, SafeTensorsCheckpoint.IndexFileName)));
        Assert.False(File.Exists(Path.Combine(dir.Path, SafeTensorsCheckpoint.SingleFileName)));

        // The same values as the float32 model of the same seed, rounded once to bfloat16.
        using var reference = new LlamaForCausalLM(Small);
        LlamaInitializer.Initialize(reference, 7);
        using var loaded = LlamaCheckpoint.LoadCausalLM(dir.Path);
        using var files = SafeTensorsCheckpoint.Open(dir.Path);
        var expected = reference.state_dict();
        var actual = loaded.state_dict();
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (key, value) in actual)
        {
            Assert.Equal(ScalarType.BFloat16, value.dtype);
            using var rounded = expected[key].to(ScalarType.BFloat16);
            Assert.True(rounded.equal(value).all().item<bool>(), $"{key} differs from the float32 initialisation rounded to bfloat16");
            using var stored = files.Load(key);
            Assert.Equal(stored.bytes.ToArray(), value.bytes.ToArray());
        }
    }

    [Fact]
    public void LoadingIntoAnotherDtypeConvertsEachTensor()
    {
        using var dir = new TempFolder();
        RandomCheckpoint.Create(dir.Path, Small, tokenizerPath: null, seed: 3, ScalarType.BFloat16, maxShardBytes: 30_000);
        using var asBf16 = LlamaCheckpoint.LoadCausalLM(dir.Path);
        using var asFloat = LlamaCheckpoint.LoadCausalLM(dir.Path, dtype: ScalarType.Float32);
        foreach (var (key, value) in asFloat.state_dict())
        {
            Assert.Equal(ScalarType.Float32, value.dtype);
            using var widened = asBf16.state_dict()[key].to(ScalarType.Float32);
            Assert.True(widened.equal(value).all().item<bool>(), key);
        }
    }

    [Fact]
    public void ReadIntoRefusesATensorOfAnotherShapeOrDtype()
    {
        using var dir = new TempFolder();
        RandomCheckpoint.Create(dir.Path, Small, tokenizerPath: null, seed: 1, ScalarType.BFloat16, maxShardBytes: 30_000);
        using var files = SafeTensorsCheckpoint.Open(dir.Path);
        const string key = "model.norm.weight";
        using var wrongType = torch.empty(files.Info(key).Shape, ScalarType.Float32);
        using var wrongShape = torch.empty([3], ScalarType.BFloat16);
        Assert.False(files.CanReadInto(key, wrongType));
        Assert.Throws<ArgumentException>(() => files.ReadInto(key, wrongType));
        Assert.Throws<ArgumentException>(() => files.ReadInto(key, wrongShape));
        using var right = torch.zeros(files.Info(key).Shape, ScalarType.BFloat16);
        files.ReadInto(key, right);
        Assert.Equal(1.0f, right.to(ScalarType.Float32).min().item<float>()); // norms are initialised to one
    }
}

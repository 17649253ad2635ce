using System.Text.Json;

namespace TtLora.Core.Tests.Reference;

/// <summary>
/// A tiny random Llama checkpoint in Hugging Face layout (config.json + safetensors), built directly
/// from tensors so the reference can be tested without any of the project's model code.
/// </summary>
internal sealed class TinyLlamaCheckpoint
{
    private TinyLlamaCheckpoint(Dictionary<string, object?> config, Dictionary<string, TestTensor> tensors)
    {
        Config = config;
        Tensors = tensors;
    }

    /// <summary>config.json content; replace values rather than mutating nested objects shared by clones.</summary>
    public Dictionary<string, object?> Config { get; }

    /// <summary>Tensors by their Hugging Face names, in file order.</summary>
    public Dictionary<string, TestTensor> Tensors { get; }

    public int Hidden => (int)Config["hidden_size"]!;
    public int Heads => (int)Config["num_attention_heads"]!;
    public int KvHeads => (int)Config["num_key_value_heads"]!;
    public int Layers => (int)Config["num_hidden_layers"]!;
    public int Vocab => (int)Config["vocab_size"]!;
    public int Intermediate => (int)Config["intermediate_size"]!;
    public int HeadDim => Config.TryGetValue("head_dim", out var d) && d is int explicitDim ? explicitDim : Hidden / Heads;

    /// <summary>Random weights; deterministic for a seed. Norm weights sit near 1, projections near unit gain.</summary>
    public static TinyLlamaCheckpoint CreateRandom(
        int seed,
        int hidden = 8,
        int heads = 2,
        int kvHeads = 1,
        int layers = 2,
        int vocab = 13,
        int intermediate = 12,
        int? headDim = null,
        bool attentionBias = false,
        bool mlpBias = false,
        int? classificationLabels = null)
    {
        var config = new Dictionary<string, object?>
        {
            ["architectures"] = new[] { classificationLabels is null ? "LlamaForCausalLM" : "LlamaForSequenceClassification" },
            ["model_type"] = "llama",
            ["hidden_size"] = hidden,
            ["num_attention_heads"] = heads,
            ["num_key_value_heads"] = kvHeads,
            ["num_hidden_layers"] = layers,
            ["vocab_size"] = vocab,
            ["intermediate_size"] = intermediate,
            ["hidden_act"] = "silu",
            ["rms_norm_eps"] = 1e-5,
            ["rope_theta"] = 10000.0,
            ["max_position_embeddings"] = 64,
            ["attention_bias"] = attentionBias,
            ["mlp_bias"] = mlpBias,
            ["tie_word_embeddings"] = false,
            ["pad_token_id"] = 0,
        };
        if (headDim is int d)
            config["head_dim"] = d;
        var dim = headDim ?? hidden / heads;

        var random = new Random(seed);
        var tensors = new Dictionary<string, TestTensor>(StringComparer.Ordinal);
        void Matrix(string name, int rows, int cols, double scale) =>
            tensors[name] = new TestTensor([rows, cols], Values(random, rows * cols, 0, scale));
        void Vector(string name, int length, double center, double spread) =>
            tensors[name] = new TestTensor([length], Values(random, length, center, spread));
        double Gain(int fanIn) => 1.5 / Math.Sqrt(fanIn);

        Matrix("model.embed_tokens.weight", vocab, hidden, 1.0);
        for (var i = 0; i < layers; i++)
        {
            var p = $"model.layers.{i}.";
            Vector(p + "input_layernorm.weight", hidden, 1.0, 0.3);
            Matrix(p + "self_attn.q_proj.weight", heads * dim, hidden, Gain(hidden));
            Matrix(p + "self_attn.k_proj.weight", kvHeads * dim, hidden, Gain(hidden));
            Matrix(p + "self_attn.v_proj.weight", kvHeads * dim, hidden, Gain(hidden));
            Matrix(p + "self_attn.o_proj.weight", hidden, heads * dim, Gain(heads * dim));
            if (attentionBias)
            {
                Vector(p + "self_attn.q_proj.bias", heads * dim, 0, 0.3);
                Vector(p + "self_attn.k_proj.bias", kvHeads * dim, 0, 0.3);
                Vector(p + "self_attn.v_proj.bias", kvHeads * dim, 0, 0.3);
                Vector(p + "self_attn.o_proj.bias", hidden, 0, 0.3);
            }
            Vector(p + "post_attention_layernorm.weight", hidden, 1.0, 0.3);
            Matrix(p + "mlp.gate_proj.weight", intermediate, hidden, Gain(hidden));
            Matrix(p + "mlp.up_proj.weight", intermediate, hidden, Gain(hidden));
            Matrix(p + "mlp.down_proj.weight", hidden, intermediate, Gain(intermediate));
            if (mlpBias)
            {
                Vector(p + "mlp.gate_proj.bias", intermediate, 0, 0.3);
                Vector(p + "mlp.up_proj.bias", intermediate, 0, 0.3);
                Vector(p + "mlp.down_proj.bias", hidden, 0, 0.3);
            }
        }
        Vector("model.norm.weight", hidden, 1.0, 0.3);
        if (classificationLabels is int labels)
            Matrix("score.weight", labels, hidden, Gain(hidden));
        else
            Matrix("lm_head.weight", vocab, hidden, Gain(hidden) * 2);
        return new TinyLlamaCheckpoint(config, tensors);
    }

    /// <summary>A deep copy of the tensors and a shallow copy of the config.</summary>
    public TinyLlamaCheckpoint Clone() => new(
        new Dictionary<string, object?>(Config),
        Tensors.ToDictionary(kv => kv.Key, kv => new TestTensor(kv.Value.Shape.ToArray(), kv.Value.Values.ToArray()), StringComparer.Ordinal));

    /// <summary>The values of one tensor.</summary>
    public float[] this[string name] => Tensors[name].Values;

    /// <summary>Rounds every value to what <paramref name="dtype"/> can hold, so files of either dtype agree.</summary>
    public TinyLlamaCheckpoint RoundedTo(string dtype)
    {
        var copy = Clone();
        foreach (var tensor in copy.Tensors.Values)
            for (var i = 0; i < tensor.Values.Length; i++)
                tensor.Values[i] = TestSafetensorsWriter.RoundTo(tensor.Values[i], dtype);
        return copy;
    }

    /// <summary>
    /// Writes config.json and either model.safetensors or, with <paramref name="shards"/> &gt; 1,
    /// model-0000k-of-0000n.safetensors plus model.safetensors.index.json. Returns <paramref name="dir"/>.
    /// </summary>
    public string WriteTo(string dir, string dtype = "F32", int shards = 1)
    {
        Directory.CreateDirectory(dir);
        WriteText(Path.Combine(dir, "config.json"), JsonSerializer.Serialize(Config));
        if (shards == 1)
        {
            TestSafetensorsWriter.Write(Path.Combine(dir, "model.safetensors"), Tensors, dtype);
            return dir;
        }
        var names = Tensors.Keys.ToList();
        var weightMap = new Dictionary<string, string>();
        for (var s = 0; s < shards; s++)
        {
            var file = $"model-{s + 1:00000}-of-{shards:00000}.safetensors";
            var part = names.Where((_, i) => i % shards == s).Select(n => KeyValuePair.Create(n, Tensors[n])).ToList();
            TestSafetensorsWriter.Write(Path.Combine(dir, file), part, dtype);
            foreach (var (name, _) in part)
                weightMap[name] = file;
        }
        var index = new Dictionary<string, object> { ["metadata"] = new { total_size = 0 }, ["weight_map"] = weightMap };
        WriteText(Path.Combine(dir, "model.safetensors.index.json"), JsonSerializer.Serialize(index));
        return dir;
    }

    private static void WriteText(string path, string text)
    {
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, text);
        File.Move(tmp, path, overwrite: true);
    }

    private static float[] Values(Random random, int count, double center, double spread)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
            values[i] = (float)(center + spread * (2 * random.NextDouble() - 1));
        return values;
    }
}

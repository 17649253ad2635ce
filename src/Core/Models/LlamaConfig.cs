using System.Text.Json;
using System.Text.Json.Nodes;

namespace TtLora.Core.Models;

/// <summary>
/// The architecture of a Llama-family decoder, read from and written to Hugging Face's <c>config.json</c>.
/// Field meanings follow transformers' <c>LlamaConfig</c>; optional fields take its defaults.
/// </summary>
public sealed record LlamaConfig
{
    public required int VocabSize { get; init; }
    public required int HiddenSize { get; init; }
    public required int IntermediateSize { get; init; }
    public required int NumHiddenLayers { get; init; }
    public required int NumAttentionHeads { get; init; }
    public int NumKeyValueHeads { get; init; }
    /// <summary>Per-head width; Hugging Face defaults it to hidden_size / num_attention_heads.</summary>
    public int HeadDim { get; init; }
    public double RmsNormEps { get; init; } = 1e-6;
    public double RopeTheta { get; init; } = 10000.0;
    public RopeScaling? RopeScaling { get; init; }
    public int MaxPositionEmbeddings { get; init; } = 2048;
    public bool TieWordEmbeddings { get; init; }
    public bool AttentionBias { get; init; }
    public bool MlpBias { get; init; }
    public string HiddenAct { get; init; } = "silu";
    public int? BosTokenId { get; init; } = 1;
    /// <summary>Llama-3 configs give a list of end tokens; the first is the canonical one.</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [2];
    public int? PadTokenId { get; init; }
    /// <summary>The dtype the weights were saved in ("float32", "bfloat16", "float16").</summary>
    public string TorchDtype { get; init; } = "float32";
    /// <summary>Classification head size and label names, when the checkpoint is a sequence classifier.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    public int? EosTokenId => EosTokenIds.Count > 0 ? EosTokenIds[0] : null;

    /// <summary>Largest vocabulary accepted (published Llama-family vocabularies are at most about 260k).</summary>
    public const int MaxVocabSize = 1 << 22;
    /// <summary>Largest hidden width accepted (the largest published Llama has 16,384).</summary>
    public const int MaxWidth = 1 << 16;

    /// <summary>Parameters of the decoder and its language-model head, counted from the shape alone (no allocation).</summary>
    public long ParameterCount()
    {
        long h = HiddenSize, kv = (long)NumKeyValueHeads * HeadDim, q = (long)NumAttentionHeads * HeadDim;
        long attention = h * q + 2 * h * kv + q * h + (AttentionBias ? q + 2 * kv + h : 0);
        long mlp = 3 * h * IntermediateSize + (MlpBias ? 2L * IntermediateSize + h : 0);
        long layer = attention + mlp + 2 * h;
        long embeddings = (long)VocabSize * h;
        return NumHiddenLayers * layer + embeddings + h + (TieWordEmbeddings ? 0 : embeddings);
    }

    /// <summary>
    /// Throws a <see cref="TtLoraException"/> when the model this config describes cannot fit in this process's memory
    /// at <paramref name="bytesPerValue"/> bytes a value, before anything is allocated.
    /// </summary>
    public void EnsureFitsInMemory(string source, int bytesPerValue)
    {
        long bytes = ParameterCount() * bytesPerValue;
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (available > 0 && bytes > available)
            throw TtLoraException.InFile(source, $"describes a model of {ParameterCount():N0} parameters ({bytes / 1e9:0.0} GB), " +
                $"more than this machine's memory ({available / 1e9:0.0} GB)");
    }

    /// <summary>Throws a <see cref="TtLoraException"/> naming the field when the shape cannot work.</summary>
    public LlamaConfig Validated(string source)
    {
        void Require(bool ok, string field, string expected)
        {
            if (!ok) throw TtLoraException.InFile(source, $"field \"{field}\" {expected}");
        }
        void Size(int value, string field, int most) =>
            Require(value > 0 && value <= most, field, $"must be a positive integer of at most {most:N0}, got {value}");
        // Bounds far above any published Llama-family model, so a typo or a hostile file fails here, not in a
        // multi-gigabyte allocation.
        Size(VocabSize, "vocab_size", MaxVocabSize);
        Size(HiddenSize, "hidden_size", MaxWidth);
        Size(IntermediateSize, "intermediate_size", 4 * MaxWidth);
        Size(NumHiddenLayers, "num_hidden_layers", 1024);
        Size(NumAttentionHeads, "num_attention_heads", 1024);
        Size(MaxPositionEmbeddings, "max_position_embeddings", 1 << 24);
        Require(NumKeyValueHeads > 0 && NumAttentionHeads % NumKeyValueHeads == 0, "num_key_value_heads",
            $"must divide num_attention_heads ({NumAttentionHeads}), got {NumKeyValueHeads}");
        Require(HeadDim > 0 && HeadDim % 2 == 0 && HeadDim <= 4096, "head_dim", $"must be a positive even integer of at most 4,096, got {HeadDim}");
        Require((long)NumAttentionHeads * HeadDim <= 4L * MaxWidth, "head_dim",
            $"times num_attention_heads ({NumAttentionHeads} x {HeadDim}) must be at most {4 * MaxWidth:N0}");
        Require(RmsNormEps > 0, "rms_norm_eps", "must be positive");
        Require(RopeTheta > 0, "rope_theta", "must be positive");
        Require(HiddenAct == "silu", "hidden_act", $"must be \"silu\" (SwiGLU), got \"{HiddenAct}\"");
        Require(TorchDtype is "float32" or "bfloat16" or "float16", "torch_dtype",
            $"must be float32, bfloat16 or float16, got \"{TorchDtype}\"");
        RopeScaling?.Validate(source);
        return this;
    }

    /// <summary>Reads <c>config.json</c> (a file, or a model folder containing one).</summary>
    public static LlamaConfig Load(string fileOrDirectory)
    {
        string path = Directory.Exists(fileOrDirectory) ? Path.Combine(fileOrDirectory, "config.json") : fileOrDirectory;
        if (!File.Exists(path))
            throw TtLoraException.InFile(path, "config file not found (expected a Hugging Face config.json)");
        JsonObject json;
        try
        {
            json = StrictJson.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw TtLoraException.InFile(path, "expected a JSON object");
        }
        catch (JsonException e)
        {
            throw TtLoraException.InFile(path, $"not valid JSON ({e.Message})");
        }
        try
        {
            return Parse(json, path);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
        {
            // Text the JSON parser accepts but cannot turn into a value (a lone surrogate escape, say).
            throw TtLoraException.InFile(path, $"a field holds a value that cannot be read ({e.Message})");
        }
    }

    public static LlamaConfig Parse(JsonObject json, string source)
    {
        var r = new ConfigReader(json, source);
        string? modelType = r.OptionalString("model_type");
        if (modelType is not null and not "llama" and not "mistral" and not "qwen2")
            throw TtLoraException.InFile(source, $"field \"model_type\" is \"{modelType}\"; only Llama-family decoders (llama) are supported");
        int hidden = r.RequiredInt("hidden_size");
        int heads = r.RequiredInt("num_attention_heads");
        var config = new LlamaConfig
        {
            VocabSize = r.RequiredInt("vocab_size"),
            HiddenSize = hidden,
            IntermediateSize = r.RequiredInt("intermediate_size"),
            NumHiddenLayers = r.RequiredInt("num_hidden_layers"),
            NumAttentionHeads = heads,
            NumKeyValueHeads = r.OptionalInt("num_key_value_heads") ?? heads,
            HeadDim = r.OptionalInt("head_dim") ?? (heads > 0 ? hidden / heads : 0),
            RmsNormEps = r.OptionalDouble("rms_norm_eps") ?? 1e-6,
            RopeTheta = r.OptionalDouble("rope_theta") ?? 10000.0,
            RopeScaling = RopeScaling.Parse(json["rope_scaling"], source),
            MaxPositionEmbeddings = r.OptionalInt("max_position_embeddings") ?? 2048,
            TieWordEmbeddings = r.OptionalBool("tie_word_embeddings") ?? false,
            AttentionBias = r.OptionalBool("attention_bias") ?? false,
            MlpBias = r.OptionalBool("mlp_bias") ?? false,
            HiddenAct = r.OptionalString("hidden_act") ?? "silu",
            BosTokenId = r.OptionalInt("bos_token_id"),
            EosTokenIds = r.OptionalIntOrList("eos_token_id") ?? [],
            PadTokenId = r.OptionalInt("pad_token_id"),
            TorchDtype = r.OptionalString("torch_dtype") ?? r.OptionalString("dtype") ?? "float32",
            Labels = ReadLabels(json, source),
        };
        return config.Validated(source);
    }

    static IReadOnlyList<string>? ReadLabels(JsonObject json, string source)
    {
        if (json["id2label"] is not JsonObject id2label || id2label.Count == 0) return null;
        var labels = new string[id2label.Count];
        foreach (var (key, value) in id2label)
        {
            if (!int.TryParse(key, out int id) || id < 0 || id >= labels.Length || labels[id] is not null)
                throw TtLoraException.InFile(source, $"field \"id2label\" must map 0..{labels.Length - 1} to names, found key \"{key}\"");
            if (value is not JsonValue name || name.GetValueKind() != JsonValueKind.String)
                throw TtLoraException.InFile(source, $"field \"id2label\" must map ids to label names (strings), got {value?.ToJsonString() ?? "null"} for \"{key}\"");
            labels[id] = name.GetValue<string>();
        }
        return labels;
    }

    /// <summary>Writes the fields Hugging Face transformers needs to rebuild the same model.</summary>
    public JsonObject ToJson(string architecture = "LlamaForCausalLM")
    {
        var json = new JsonObject
        {
            ["architectures"] = new JsonArray(architecture),
            ["model_type"] = "llama",
            ["vocab_size"] = VocabSize,
            ["hidden_size"] = HiddenSize,
            ["intermediate_size"] = IntermediateSize,
            ["num_hidden_layers"] = NumHiddenLayers,
            ["num_attention_heads"] = NumAttentionHeads,
            ["num_key_value_heads"] = NumKeyValueHeads,
            ["head_dim"] = HeadDim,
            ["hidden_act"] = HiddenAct,
            ["rms_norm_eps"] = RmsNormEps,
            ["rope_theta"] = RopeTheta,
            ["rope_scaling"] = RopeScaling?.ToJson(),
            ["max_position_embeddings"] = MaxPositionEmbeddings,
            ["tie_word_embeddings"] = TieWordEmbeddings,
            ["attention_bias"] = AttentionBias,
            ["attention_dropout"] = 0.0,
            ["mlp_bias"] = MlpBias,
            ["initializer_range"] = 0.02,
            ["pretraining_tp"] = 1,
            ["use_cache"] = true,
            ["bos_token_id"] = BosTokenId,
            ["eos_token_id"] = EosTokenIds.Count == 1 ? JsonValue.Create(EosTokenIds[0]) : new JsonArray(EosTokenIds.Select(i => (JsonNode?)i).ToArray()),
            ["pad_token_id"] = PadTokenId,
            ["torch_dtype"] = TorchDtype,
        };
        if (Labels is { Count: > 0 })
        {
            var id2label = new JsonObject();
            var label2id = new JsonObject();
            for (int i = 0; i < Labels.Count; i++)
            {
                id2label[i.ToString()] = Labels[i];
                label2id[Labels[i]] = i;
            }
            json["id2label"] = id2label;
            json["label2id"] = label2id;
        }
        return json;
    }

    public void Save(string path) => AtomicFile.WriteAllText(path,
        ToJson(Labels is { Count: > 0 } ? "LlamaForSequenceClassification" : "LlamaForCausalLM")
            .ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
}

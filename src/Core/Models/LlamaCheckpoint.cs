using TtLora.Core.Formats;
using static TorchSharp.torch;

namespace TtLora.Core.Models;

/// <summary>
/// Loads and saves Llama models as Hugging Face checkpoint folders: <c>config.json</c> plus
/// <c>model.safetensors</c> (or shards with <c>model.safetensors.index.json</c>), keys named as transformers names them.
/// </summary>
public static class LlamaCheckpoint
{
    /// <summary>Hugging Face's default shard size limit when saving.</summary>
    public const long DefaultMaxShardBytes = 5L * 1000 * 1000 * 1000;

    public static LlamaForCausalLM LoadCausalLM(string dir, Device? device = null, ScalarType? dtype = null)
    {
        var config = LoadConfig(dir);
        var type = dtype ?? DeviceSelector.ResolveDType(config.TorchDtype);
        using (var files = SafeTensorsCheckpoint.Open(dir)) CheckBeforeAllocating(config, files, dir, type);
        var model = new LlamaForCausalLM(config, device, type);
        try
        {
            // A tied checkpoint may still carry lm_head.weight (it equals the embeddings); the classifier head is not ours.
            LoadWeights(model, dir, ignorable: key => key == "score.weight" || (config.TieWordEmbeddings && key == "lm_head.weight"), optional: _ => false);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return model;
    }

    /// <summary>
    /// Loads a sequence classifier. Its <c>score</c> head is read when the checkpoint has one; otherwise it is freshly
    /// initialised (normal, std 0.02, as transformers does) with <paramref name="numLabels"/> outputs.
    /// </summary>
    public static LlamaForSequenceClassification LoadClassifier(string dir, int? numLabels = null, Device? device = null, ScalarType? dtype = null, long seed = 0)
    {
        var config = LoadConfig(dir);
        using var files = SafeTensorsCheckpoint.Open(dir);
        int labels;
        if (files.Contains("score.weight"))
        {
            labels = (int)files.Info("score.weight").Shape[0];
            if (numLabels is int wanted && wanted != labels)
                throw TtLoraException.InFile(dir, $"the checkpoint's classification head has {labels} labels, but {wanted} were asked for");
        }
        else
        {
            labels = numLabels ?? config.Labels?.Count
                ?? throw TtLoraException.InFile(dir, "the checkpoint has no classification head (score.weight) and no number of labels was given");
        }
        var type = dtype ?? DeviceSelector.ResolveDType(config.TorchDtype);
        CheckBeforeAllocating(config, files, dir, type);
        var model = new LlamaForSequenceClassification(config, labels, device, type);
        try
        {
            if (!files.Contains("score.weight")) InitializeNormal(model.Score.weight!, seed);
            LoadWeights(model, files, dir, ignorable: key => key == "lm_head.weight", optional: key => key == "score.weight");
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return model;
    }

    /// <summary>
    /// Checks what can be checked from the headers alone before the model is allocated: that it fits in memory and
    /// that the embedding matrix has the shape config.json implies (a wrong vocab_size or hidden_size shows here).
    /// </summary>
    static void CheckBeforeAllocating(LlamaConfig config, SafeTensorsCheckpoint files, string dir, ScalarType dtype)
    {
        config.EnsureFitsInMemory(Path.Combine(dir, "config.json"), dtype is ScalarType.Float32 ? 4 : 2);
        const string embeddings = "model.embed_tokens.weight";
        if (!files.Contains(embeddings)) return;
        var shape = files.Info(embeddings).Shape;
        if (shape.Length != 2 || shape[0] != config.VocabSize || shape[1] != config.HiddenSize)
            throw TtLoraException.InFile(files.PathOf(embeddings), $"tensor \"{embeddings}\" has shape [{string.Join(",", shape)}] " +
                $"but config.json implies [{config.VocabSize},{config.HiddenSize}] (vocab_size, hidden_size)");
    }

    public static LlamaConfig LoadConfig(string dir)
    {
        if (!Directory.Exists(dir)) throw TtLoraException.InFile(dir, "model folder not found");
        return LlamaConfig.Load(Path.Combine(dir, "config.json"));
    }

    /// <summary>Copies every checkpoint tensor into the module's parameters, checking names and shapes.</summary>
    public static void LoadWeights(nn.Module model, string dir, Func<string, bool> ignorable, Func<string, bool> optional)
    {
        using var files = SafeTensorsCheckpoint.Open(dir);
        LoadWeights(model, files, dir, ignorable, optional);
    }

    static void LoadWeights(nn.Module model, SafeTensorsCheckpoint files, string dir, Func<string, bool> ignorable, Func<string, bool> optional)
    {
        var parameters = model.state_dict();
        var fileKeys = new HashSet<string>(files.Names);
        var missing = parameters.Keys.Where(k => !fileKeys.Contains(k) && !optional(k)).ToList();
        // Older checkpoints store the rotary inverse frequencies; they are recomputed from the config.
        var unexpected = fileKeys.Where(k => !parameters.ContainsKey(k) && !ignorable(k) && !k.EndsWith("rotary_emb.inv_freq", StringComparison.Ordinal)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add($"missing {missing.Count} key(s): {Abbreviate(missing)}");
            if (unexpected.Count > 0) parts.Add($"unexpected {unexpected.Count} key(s): {Abbreviate(unexpected)}");
            throw TtLoraException.InFile(dir, $"weights do not fit config.json: {string.Join("; ", parts)}");
        }
        using var noGrad = torch.no_grad();
        foreach (var (key, target) in parameters)
        {
            if (!fileKeys.Contains(key)) continue;
            var info = files.Info(key);
            if (!info.Shape.SequenceEqual(target.shape))
                throw TtLoraException.InFile(files.PathOf(key),
                    $"tensor \"{key}\" has shape [{string.Join(",", info.Shape)}] but config.json implies [{string.Join(",", target.shape)}]");
            // Same dtype on the CPU: the bytes land in the parameter itself, so peak memory stays near the model's size.
            if (files.CanReadInto(key, target))
            {
                files.ReadInto(key, target);
                continue;
            }
            using var loaded = files.Load(key);
            target.copy_(loaded);
        }
    }

    /// <summary>
    /// Writes config.json and the weights in Hugging Face's layout (sharded above <paramref name="maxShardBytes"/>).
    /// Tied models write no lm_head.weight, exactly like transformers.
    /// </summary>
    public static void Save(nn.Module model, string dir, ScalarType? dtype = null, long maxShardBytes = DefaultMaxShardBytes, IReadOnlyList<string>? labels = null)
    {
        if (model is not ILlamaWithHead withHead) throw new ArgumentException("not a Llama model with a head", nameof(model));
        Directory.CreateDirectory(dir);
        var state = model.state_dict();
        var saveType = dtype ?? state.Values.First().dtype;
        using var scope = NewDisposeScope();
        var tensors = state.Select(kv => (kv.Key, kv.Value.detach().to(saveType, CPU).contiguous())).ToList();
        var config = withHead.Config with { TorchDtype = DeviceSelector.DTypeName(saveType) };
        if (model is LlamaForSequenceClassification classifier)
            config = config with { Labels = labels ?? config.Labels ?? Enumerable.Range(0, classifier.NumLabels).Select(i => $"LABEL_{i}").ToArray() };
        SafeTensorsWriter.WriteSharded(dir, tensors, maxShardBytes, new Dictionary<string, string> { ["format"] = "pt" });
        config.Save(Path.Combine(dir, "config.json"));
    }

    static void InitializeNormal(Tensor weight, long seed)
    {
        using var noGrad = torch.no_grad();
        var generator = new Generator((ulong)seed);
        using var values = torch.normal(0, 0.02, weight.shape, generator: generator, dtype: ScalarType.Float32);
        weight.copy_(values);
    }

    static string Abbreviate(IReadOnlyCollection<string> keys) =>
        string.Join(", ", keys.Take(6)) + (keys.Count > 6 ? $", ... ({keys.Count - 6} more)" : "");
}

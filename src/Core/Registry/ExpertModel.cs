using TtLora.Core.Adapters;
using TtLora.Core.Models;
using TtLora.Core.Tokenizers;
using static TorchSharp.torch;

namespace TtLora.Core.Registry;

/// <summary>An expert ready to classify: the base model with the expert's adapter and head applied.</summary>
public sealed class ExpertModel : IDisposable
{
    private ExpertModel(ExpertManifest manifest, LlamaForSequenceClassification model, HfTokenizer tokenizer)
    {
        Manifest = manifest;
        Model = model;
        Tokenizer = tokenizer;
    }

    public ExpertManifest Manifest { get; }
    public LlamaForSequenceClassification Model { get; }
    public HfTokenizer Tokenizer { get; }

    /// <summary>Loads an expert onto its base model, refusing a base whose fingerprint differs from the one it was trained on.</summary>
    public static ExpertModel Load(ExpertRegistry registry, string name, string baseModelDir, Device? device = null)
    {
        var manifest = registry.Get(name);
        string fingerprint = ModelFingerprint.Compute(baseModelDir);
        if (fingerprint != manifest.BaseModelFingerprint)
            throw new TtLoraException($"expert \"{name}\" was trained on base model {manifest.BaseModel} ({manifest.BaseModelFingerprint}), " +
                $"but {baseModelDir} is a different model ({fingerprint}); use the base it was trained on or retrain the expert");
        var model = LlamaCheckpoint.LoadClassifier(baseModelDir, manifest.Labels.Count, device);
        try
        {
            AdapterFiles.LoadInto(registry.PathOf(name), model);
            model.eval();
            return new ExpertModel(manifest, model, HfTokenizer.ForModel(baseModelDir));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Label probabilities for each text.</summary>
    public float[][] Predict(IReadOnlyList<string> texts, int maxLength = 128)
    {
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        int pad = Model.Config.PadTokenId ?? Model.Config.EosTokenId ?? 0;
        var rows = texts.Select(t => Tokenizer.EncodeFirst(t, maxLength).Select(i => (long)i).ToArray()).ToArray();
        int width = Math.Max(1, rows.Max(r => r.Length));
        var ids = new long[rows.Length * width];
        var mask = new long[rows.Length * width];
        for (int r = 0; r < rows.Length; r++)
            for (int t = 0; t < width; t++)
            {
                ids[r * width + t] = t < rows[r].Length ? rows[r][t] : pad;
                mask[r * width + t] = t < rows[r].Length ? 1 : 0;
            }
        var device = Model.Score.weight!.device;
        var logits = Model.Forward(torch.tensor(ids, [rows.Length, width], device: device), torch.tensor(mask, [rows.Length, width], device: device));
        var probs = logits.to(ScalarType.Float32).softmax(-1).cpu();
        return Enumerable.Range(0, rows.Length).Select(r => probs[r].data<float>().ToArray()).ToArray();
    }

    public void Dispose() => Model.Dispose();
}

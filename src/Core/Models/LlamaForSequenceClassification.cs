using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TtLora.Core.Models;

/// <summary>
/// Llama with a classification head (Hugging Face's LlamaForSequenceClassification): <c>score</c> is a
/// bias-free Linear(hidden, labels) applied to the hidden state of each row's last non-pad token.
/// </summary>
public sealed class LlamaForSequenceClassification : nn.Module, ILlamaWithHead
{
    private LlamaModel model;
    private Linear score;

    public LlamaForSequenceClassification(LlamaConfig config, int numLabels, Device? device = null, ScalarType dtype = ScalarType.Float32)
        : base("LlamaForSequenceClassification")
    {
        if (numLabels < 1) throw new TtLoraException($"a classifier needs at least one label, got {numLabels}");
        model = new LlamaModel(config, device, dtype);
        score = nn.Linear(config.HiddenSize, numLabels, hasBias: false, device, dtype);
        NumLabels = numLabels;
        RegisterComponents();
    }

    public LlamaConfig Config => model.Config;
    public LlamaModel Model => model;
    public Linear Score => score;
    public int NumLabels { get; }

    /// <summary>Logits [B, labels].</summary>
    public Tensor Forward(Tensor inputIds, Tensor? attentionMask = null, Tensor? positionIds = null)
    {
        using var scope = NewDisposeScope();
        var hidden = model.Forward(inputIds, attentionMask, positionIds);
        var pooled = Pool(hidden, inputIds, attentionMask, Config.PadTokenId);
        return score.call(pooled).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Picks each row's last non-pad position: with a pad id, the rightmost token that is not pad (the rule of
    /// current transformers, which also handles left padding); otherwise the rightmost attended position;
    /// otherwise the last position.
    /// </summary>
    public static Tensor Pool(Tensor hidden, Tensor inputIds, Tensor? attentionMask, int? padTokenId)
    {
        using var scope = NewDisposeScope();
        long b = hidden.shape[0], s = hidden.shape[1];
        Tensor last;
        if (padTokenId is int pad || attentionMask is not null)
        {
            var real = attentionMask is not null && padTokenId is null ? attentionMask.ne(0) : inputIds.ne(padTokenId!.Value);
            var index = torch.arange(s, device: hidden.device).unsqueeze(0) * real.to(ScalarType.Int64);
            last = index.argmax(-1);
        }
        else
        {
            last = torch.full(b, s - 1, dtype: ScalarType.Int64, device: hidden.device);
        }
        var rows = torch.arange(b, device: hidden.device);
        return hidden.index(rows, last).MoveToOuterDisposeScope();
    }
}

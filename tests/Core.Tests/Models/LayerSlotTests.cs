using TtLora.Core.Models;
using TtLora.Core.Tests.Adapters;

namespace TtLora.Core.Tests.Models;

/// <summary>The two optional hooks methods use to route inside a layer: called with the right tensors, free when empty.</summary>
public class LayerSlotTests
{
    sealed class RecordingObserver() : LayerInputObserver(nameof(RecordingObserver))
    {
        public List<(Tensor X, Tensor Normed)> Calls { get; } = [];

        public override void Observe(Tensor blockInput, Tensor normedInput) =>
            Calls.Add((blockInput.detach().clone().DetachFromDisposeScope(), normedInput.detach().clone().DetachFromDisposeScope()));
    }

    sealed class RecordingAddend(double value) : AttentionAddend(nameof(RecordingAddend))
    {
        public List<(Tensor Query, Tensor Input)> Calls { get; } = [];

        public override Tensor Addend(Tensor query, Tensor input)
        {
            Calls.Add((query.detach().clone().DetachFromDisposeScope(), input.detach().clone().DetachFromDisposeScope()));
            var config = AdapterTestModels.Config;
            return torch.full(input.shape[0], input.shape[1], config.NumAttentionHeads * config.HeadDim, value, dtype: input.dtype);
        }
    }

    [Fact]
    public void TheObserverSeesTheBlockInputAndItsNormOnceAndTheAddendSeesRotatedQueries()
    {
        using var model = AdapterTestModels.Classifier();
        using var ids = AdapterTestModels.Ids();
        using var observer = new RecordingObserver();
        using var addend = new RecordingAddend(0.0);
        var layer = model.Model.Layers[0];
        layer.SetInputObserver(observer);
        layer.SelfAttention.SetAddend(addend);
        using var logits = AdapterTestModels.Logits(model, ids);

        var (x, normed) = Assert.Single(observer.Calls);
        using var embeddings = model.Model.EmbedTokens.call(ids);
        Assert.True(TestModels.Same(embeddings, x));
        // RMSNorm by hand: x / sqrt(mean(x^2) + eps) * weight.
        var weight = model.named_parameters().Single(p => p.name == "model.layers.0.input_layernorm.weight").parameter;
        using var byHand = x.mul(torch.rsqrt(x.pow(2).mean([-1], keepdim: true).add(AdapterTestModels.Config.RmsNormEps))).mul(weight);
        Assert.True(AdapterTestModels.MaxAbsDiff(byHand, normed) < 1e-6);

        var (query, input) = Assert.Single(addend.Calls);
        Assert.True(TestModels.Same(normed, input));
        var c = AdapterTestModels.Config;
        Assert.Equal([ids.shape[0], c.NumAttentionHeads, ids.shape[1], c.HeadDim], query.shape);
        // At position 0 rotary is the identity, so the first query is q_proj(normed) split into heads.
        var qProj = (TorchSharp.Modules.Linear)layer.SelfAttention.Projection("q_proj");
        using var q0 = qProj.call(normed).view(ids.shape[0], ids.shape[1], c.NumAttentionHeads, c.HeadDim).transpose(1, 2).narrow(2, 0, 1);
        Assert.True(AdapterTestModels.MaxAbsDiff(q0, query.narrow(2, 0, 1)) < 1e-6);
        foreach (var t in observer.Calls.SelectMany(p => new[] { p.X, p.Normed }).Concat(addend.Calls.SelectMany(p => new[] { p.Query, p.Input }))) t.Dispose();
    }

    [Fact]
    public void EmptySlotsAndAZeroAddendLeaveLogitsBitIdentical()
    {
        using var model = AdapterTestModels.Classifier();
        using var ids = AdapterTestModels.Ids();
        using var before = AdapterTestModels.Logits(model, ids);
        var layer = model.Model.Layers[1];
        using var observer = new RecordingObserver();
        using var zero = new RecordingAddend(0.0);
        layer.SetInputObserver(observer);
        layer.SelfAttention.SetAddend(zero);
        using var withZero = AdapterTestModels.Logits(model, ids);
        Assert.True(TestModels.Same(before, withZero));

        using var one = new RecordingAddend(1.0);
        Assert.Same(zero, layer.SelfAttention.SetAddend(one));
        using var withOne = AdapterTestModels.Logits(model, ids);
        Assert.False(TestModels.Same(before, withOne));
        Assert.Contains(model.named_modules(), m => m.name == "model.layers.1.self_attn.addend");

        Assert.Same(observer, layer.SetInputObserver(null));
        Assert.Same(one, layer.SelfAttention.SetAddend(null));
        Assert.DoesNotContain(model.named_modules(), m => m.name.Contains("addend") || m.name.Contains("input_observer"));
        using var after = AdapterTestModels.Logits(model, ids);
        Assert.True(TestModels.Same(before, after));
        foreach (var t in observer.Calls.SelectMany(p => new[] { p.X, p.Normed }).Concat(zero.Calls.Concat(one.Calls).SelectMany(p => new[] { p.Query, p.Input }))) t.Dispose();
    }
}

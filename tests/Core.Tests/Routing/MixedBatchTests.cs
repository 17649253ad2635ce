using TtLora.Core.Adapters;
using TtLora.Core.Models;
using TtLora.Core.Registry;
using TtLora.Core.Routing;

namespace TtLora.Core.Tests.Routing;

[Collection(RoutingCollection.Name)]
public sealed class MixedBatchTests(RoutingFixture fixture)
{
    // Float32 sums in a different order (padded rank, batched matmul, scaling folded into B) differ by rounding only.
    const double Tolerance = 1e-5;

    [Fact]
    public void MixedBatchLogitsEqualEachSampleRunAloneWithItsExpert()
    {
        var experts = fixture.AllLayerExperts;
        using var mixture = ExpertMixture.Load(fixture.Registry, experts, fixture.BaseDir);
        // Rows of different lengths from all three tasks, each row given some expert (not necessarily its task's).
        var texts = new List<string>();
        var slots = new List<int>();
        for (int t = 0; t < 3; t++)
            for (int i = 0; i < 3; i++)
            {
                texts.Add(fixture.Tasks[t].Test[i].Text + (i == 1 ? " and more words here" : ""));
                slots.Add((t + i) % 3);
            }
        var loaded = experts.Select(e => ExpertModel.Load(fixture.Registry, e, fixture.BaseDir)).ToArray();
        try
        {
            var (ids, mask) = Encode(loaded[0], texts);
            var slotTensor = torch.tensor(slots.Select(s => (long)s).ToArray());
            var logits = mixture.Forward(ids, mask, slotTensor, slotTensor);
            var own = mixture.OwnLabelSpace(logits, slots);
            var padded = mixture.Forward(ids, mask, slotTensor, slotTensor, zeroPadded: true);
            for (int i = 0; i < texts.Count; i++)
            {
                var expert = loaded[slots[i]];
                using var alone = expert.Model.Forward(Encode(expert, [texts[i]]).Ids, null);
                var expected = alone.data<float>().ToArray();
                Assert.Equal(expert.Manifest.Labels.Count, own[i].Length);
                for (int j = 0; j < expected.Length; j++) Assert.Equal(expected[j], own[i][j], Tolerance);
                // Padded columns: -inf by default, 0 in the reference's zero-padded form.
                for (int j = expected.Length; j < mixture.MaxLabels; j++)
                {
                    Assert.True(float.IsNegativeInfinity(logits[i, j].item<float>()));
                    Assert.Equal(0f, padded[i, j].item<float>());
                }
            }
        }
        finally
        {
            foreach (var e in loaded) e.Dispose();
        }
    }

    [Fact]
    public void WithoutASelectionTheMixtureIsTheBaseModel()
    {
        using var mixture = ExpertMixture.Load(fixture.Registry, fixture.AllLayerExperts, fixture.BaseDir);
        using var plain = LlamaCheckpoint.LoadClassifier(fixture.BaseDir, 2);
        var ids = torch.tensor(new long[,] { { 5, 9, 14, 3 } });
        using var expected = plain.Model.Forward(ids);
        using var actual = mixture.Model.Model.Forward(ids);
        Assert.True(expected.allclose(actual, rtol: 0, atol: 0));
    }

    [Fact]
    public void TheUniformMergeSlotAddsTheMeanOfTheExpertsDeltas()
    {
        var experts = fixture.TopLayerExperts;
        using var mixture = ExpertMixture.Load(fixture.Registry, experts, fixture.BaseDir, withUniformMerge: true);
        Assert.Equal(3, mixture.MergedSlot);
        // Reference: the mean of the experts' dense deltas added into the base weights of a plain copy.
        using var reference = LlamaCheckpoint.LoadClassifier(fixture.BaseDir, 2);
        var injector = new AdapterInjector(reference);
        var deltas = new Dictionary<string, Tensor>();
        foreach (var name in experts)
        {
            using var expert = ExpertModel.Load(fixture.Registry, name, fixture.BaseDir);
            foreach (var module in new AdapterInjector(expert.Model).AdaptedModules.OfType<AdaptedLinear>())
            {
                var delta = ((IMergeableAdapter)module.GetAdapter(module.ActiveAdapter!)).DenseDelta().detach().div(experts.Count);
                deltas[module.Path] = deltas.TryGetValue(module.Path, out var sum) ? sum.add(delta) : delta;
            }
        }
        using (torch.no_grad())
            foreach (var site in injector.Sites.Where(s => deltas.ContainsKey(s.Path)))
                LlamaAdapterSites.BaseLinear(reference.Model, site).weight!.add_(deltas[site.Path]);
        var ids = torch.tensor(new long[,] { { 5, 9, 14, 3 }, { 7, 7, 21, 30 } });
        var mask = torch.ones_like(ids);
        using var expected = reference.Model.Forward(ids, mask);
        using var actual = mixture.Hidden(ids, mask, torch.tensor(new long[] { 3, 3 }));
        Assert.True(expected.allclose(actual, rtol: 0, atol: 1e-5), $"max difference {(expected - actual).abs().max().item<float>()}");
    }

    static (Tensor Ids, Tensor Mask) Encode(ExpertModel model, IReadOnlyList<string> texts)
    {
        int pad = model.Model.Config.PadTokenId ?? 0;
        var rows = texts.Select(t => model.Tokenizer.Encode(t).Ids.Select(i => (long)i).ToArray()).ToArray();
        int width = rows.Max(r => r.Length);
        var ids = new long[rows.Length, width];
        var mask = new long[rows.Length, width];
        for (int r = 0; r < rows.Length; r++)
            for (int c = 0; c < width; c++)
            {
                ids[r, c] = c < rows[r].Length ? rows[r][c] : pad;
                mask[r, c] = c < rows[r].Length ? 1 : 0;
            }
        return (torch.tensor(ids), torch.tensor(mask));
    }
}

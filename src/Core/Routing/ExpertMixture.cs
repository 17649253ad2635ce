using TtLora.Core.Adapters;
using TtLora.Core.Models;
using TtLora.Core.Registry;
using static TorchSharp.torch;

namespace TtLora.Core.Routing;

/// <summary>
/// Several frozen experts on one copy of their base model, applied per row inside one forward pass. Each expert's
/// folder is read by <see cref="AdapterReader"/>, and each adapted site collects the experts' adapters in the
/// <see cref="MixtureStack"/> their kind gives: low-rank kinds stack their factors (TT-LoRA: A and B from its cores;
/// LoRA: A = lora_A^T, B = lora_B^T · scaling; zero-padded to a common rank) and each row gathers its own pair for a
/// batched matmul; bottleneck and parallel experts are gathered the same way. Heads are stacked too (zero-padded to the largest label count), so
/// each row is scored by its own expert's head and answers in that expert's label space.
/// </summary>
/// <remarks>
/// Adapter slots and head slots are chosen separately per row: slot i &lt; E is expert i; with a uniform merge, slot E is
/// the average of all experts' updates (their factors concatenated along the rank, B divided by E — exactly the mean
/// of the dense deltas; bottleneck weights are averaged), to be used with each task's own head.
/// </remarks>
public sealed class ExpertMixture : IDisposable
{
    private readonly LlamaForSequenceClassification model;
    private readonly Tensor heads;
    private readonly long[] labelCounts;
    private readonly IReadOnlyList<IReadOnlySet<int>> adaptedLayers;

    private ExpertMixture(LlamaForSequenceClassification model, IReadOnlyList<ExpertManifest> experts, Tensor heads, long[] labelCounts,
        IReadOnlyList<IReadOnlySet<int>> adaptedLayers, ExpertSelection selection, bool merged, long adapterParameters)
    {
        this.model = model;
        Experts = experts;
        this.heads = heads;
        this.labelCounts = labelCounts;
        this.adaptedLayers = adaptedLayers;
        Selection = selection;
        MergedSlot = merged ? experts.Count : null;
        AdapterParameters = adapterParameters;
    }

    /// <summary>The experts, in slot order.</summary>
    public IReadOnlyList<ExpertManifest> Experts { get; }

    /// <summary>The base model with the mixed modules in place (its own <c>score</c> head is unused).</summary>
    public LlamaForSequenceClassification Model => model;

    /// <summary>The per-row adapter choice every mixed module reads.</summary>
    public ExpertSelection Selection { get; }

    /// <summary>The adapter slot holding the uniform merge, when loaded with one.</summary>
    public int? MergedSlot { get; }

    /// <summary>The widest label space (the width of padded logits).</summary>
    public int MaxLabels => (int)heads.shape[1];

    /// <summary>Adapter values of all experts together (heads excluded).</summary>
    public long AdapterParameters { get; }

    /// <summary>The pad id the heads pool with.</summary>
    public int? PadTokenId => model.Config.PadTokenId ?? model.Config.EosTokenId;

    /// <summary>Number of labels of expert <paramref name="expert"/>'s head.</summary>
    public int LabelCount(int expert) => (int)labelCounts[expert];

    /// <summary>Decoder layers expert <paramref name="expert"/> adapts.</summary>
    public IReadOnlySet<int> AdaptedLayers(int expert) => adaptedLayers[expert];

    /// <summary>Whether no expert adapts layer <paramref name="layer"/> or any below it (so routing may read that layer's output in the same pass).</summary>
    public bool AllAdaptAbove(int layer) => adaptedLayers.All(set => set.All(l => l > layer));

    /// <summary>Loads the experts (each checked against the registry and the base) onto one copy of the base.</summary>
    /// <param name="withUniformMerge">Add slot E, the uniform merge of all experts.</param>
    public static ExpertMixture Load(ExpertRegistry registry, IReadOnlyList<string> expertNames, string baseModelDir, Device? device = null, bool withUniformMerge = false)
    {
        var manifests = ExpertCompatibility.Check(registry, expertNames, null, "the mixture");
        string fingerprint = ModelFingerprint.Compute(baseModelDir);
        if (fingerprint != manifests[0].BaseModelFingerprint)
            throw new TtLoraException($"experts {string.Join(", ", expertNames)} were trained on base model {manifests[0].BaseModel} ({manifests[0].BaseModelFingerprint}), " +
                $"but {baseModelDir} is a different model ({fingerprint})");
        var config = LlamaCheckpoint.LoadConfig(baseModelDir);
        var checkpoints = new List<AdapterCheckpoint>(manifests.Count);
        var stacks = new Dictionary<string, MixtureStack>(StringComparer.Ordinal);
        var selection = new ExpertSelection();
        LlamaForSequenceClassification? model = null;
        try
        {
            foreach (var m in manifests)
            {
                var checkpoint = AdapterReader.Read(registry.PathOf(m.Name), config);
                checkpoints.Add(checkpoint);
                var head = checkpoint.Head
                    ?? throw TtLoraException.InFile(checkpoint.WeightsPath, $"expert \"{m.Name}\" has no saved classification head ({AdapterFiles.HeadKey}); mixing needs each expert's head");
                if (head.shape[0] != m.Labels.Count)
                    throw TtLoraException.InFile(checkpoint.WeightsPath, $"head \"{AdapterFiles.HeadKey}\" has {head.shape[0]} labels but expert \"{m.Name}\" has {m.Labels.Count}");
            }
            for (int e = 0; e < checkpoints.Count; e++) Stack(checkpoints[e], e, manifests[e], stacks);

            model = LlamaCheckpoint.LoadClassifier(baseModelDir, checkpoints.Max(c => (int)c.Head!.shape[0]), device);
            model.eval();
            foreach (var p in model.parameters()) p.requires_grad = false;
            var weight = model.Score.weight!;
            foreach (var site in LlamaAdapterSites.Enumerate(config))
            {
                if (!stacks.TryGetValue(site.Path, out var stack)) continue;
                var frozen = LlamaAdapterSites.Get(model.Model, site);
                LlamaAdapterSites.Replace(model.Model, site, stack.Build(frozen, checkpoints.Count, withUniformMerge, selection, weight.dtype, weight.device));
            }
            long maxLabels = checkpoints.Max(c => c.Head!.shape[0]);
            var heads = torch.zeros(checkpoints.Count, maxLabels, config.HiddenSize, dtype: weight.dtype, device: weight.device);
            using (torch.no_grad())
                for (int e = 0; e < checkpoints.Count; e++) heads[e].narrow(0, 0, checkpoints[e].Head!.shape[0]).copy_(checkpoints[e].Head!);
            return new ExpertMixture(model, manifests, heads, [.. checkpoints.Select(c => c.Head!.shape[0])],
                [.. checkpoints.Select(c => (IReadOnlySet<int>)c.Layers.ToHashSet())], selection, withUniformMerge,
                checkpoints.Sum(c => c.Sites.Sum(s => s.Tensors.Values.Sum(t => t.numel()))));
        }
        catch
        {
            model?.Dispose();
            selection.Dispose();
            throw;
        }
        finally
        {
            foreach (var c in checkpoints) c.Dispose();
            foreach (var stack in stacks.Values) stack.Dispose();
        }
    }

    // Adds one expert's adapters to the stacks of their sites, building each adapter as its kind does (float32, CPU).
    private static void Stack(AdapterCheckpoint checkpoint, int slot, ExpertManifest manifest, Dictionary<string, MixtureStack> stacks)
    {
        foreach (var site in checkpoint.Sites)
        {
            using var adapter = checkpoint.CreateAdapter(site, ScalarType.Float32, CPU);
            if (!stacks.TryGetValue(site.Site.Path, out var stack))
                stacks[site.Site.Path] = stack = checkpoint.Config.Kind.CreateMixtureStack(site.Site)
                    ?? throw TtLoraException.InFile(checkpoint.ConfigPath, $"a {checkpoint.Config.Kind} adapter cannot be mixed per row");
            if (!stack.Accepts(adapter))
                throw new TtLoraException($"{site.Site.Path}: expert \"{manifest.Name}\" has a {adapter.Kind} adapter there, which cannot share one batched pass with the other experts' adapters at that site");
            stack.Add(slot, adapter);
        }
    }

    /// <summary>Final hidden states <c>[batch, seq, hidden]</c> with row i running adapter slot <c>adapterSlots[i]</c>.</summary>
    public Tensor Hidden(Tensor inputIds, Tensor mask, Tensor adapterSlots)
    {
        Selection.Select(adapterSlots);
        try
        {
            return model.Model.Forward(inputIds, mask);
        }
        finally
        {
            Selection.Clear();
        }
    }

    /// <summary>Continues a pass from the states after layer <paramref name="firstLayer"/> − 1 with per-row adapter slots (see <see cref="LlamaModel.ForwardFrom"/>).</summary>
    public Tensor HiddenFrom(Tensor prefix, Tensor inputIds, Tensor mask, int firstLayer, Tensor adapterSlots)
    {
        Selection.Select(adapterSlots);
        try
        {
            return model.Model.ForwardFrom(prefix, inputIds, mask, firstLayer);
        }
        finally
        {
            Selection.Clear();
        }
    }

    /// <summary>
    /// Scores each row with its own head: logits <c>[batch, max labels]</c>. Columns past a row's label count are -inf,
    /// or 0 with <paramref name="zeroPadded"/> (the reference's padded output).
    /// </summary>
    public Tensor Scores(Tensor hidden, Tensor inputIds, Tensor mask, Tensor headSlots, bool zeroPadded = false)
    {
        using var scope = NewDisposeScope();
        var pooled = LlamaForSequenceClassification.Pool(hidden, inputIds, mask, model.Config.PadTokenId);
        var rowHeads = heads.index_select(0, headSlots);                          // [batch, labels, hidden]
        var logits = rowHeads.bmm(pooled.unsqueeze(-1)).squeeze(-1);              // [batch, labels]
        if (!zeroPadded)
        {
            var counts = torch.tensor(labelCounts, device: logits.device).index_select(0, headSlots.to(logits.device));
            var beyond = torch.arange(MaxLabels, device: logits.device).unsqueeze(0).ge(counts.unsqueeze(1));
            logits = logits.masked_fill(beyond, double.NegativeInfinity);
        }
        return logits.MoveToOuterDisposeScope();
    }

    /// <summary>One pass: row i runs adapter slot <c>adapterSlots[i]</c> and head <c>headSlots[i]</c>.</summary>
    public Tensor Forward(Tensor inputIds, Tensor mask, Tensor adapterSlots, Tensor headSlots, bool zeroPadded = false)
    {
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        var hidden = Hidden(inputIds, mask, adapterSlots);
        return Scores(hidden, inputIds, mask, headSlots, zeroPadded).MoveToOuterDisposeScope();
    }

    /// <summary>Row i's logits in its own label space (the first <c>LabelCount(headSlots[i])</c> columns).</summary>
    public float[][] OwnLabelSpace(Tensor logits, IReadOnlyList<int> headSlots)
    {
        var all = logits.to(ScalarType.Float32).cpu().data<float>().ToArray();
        int width = (int)logits.shape[1];
        return headSlots.Select((slot, i) => all.AsSpan(i * width, LabelCount(slot)).ToArray()).ToArray();
    }

    public void Dispose()
    {
        model.Dispose();
        heads.Dispose();
        Selection.Dispose();
    }
}

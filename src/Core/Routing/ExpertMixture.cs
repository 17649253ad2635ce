using TorchSharp.Modules;
using TtLora.Core.Adapters;
using TtLora.Core.Models;
using TtLora.Core.Registry;
using TtLora.Core.TensorTrains;
using static TorchSharp.torch;

namespace TtLora.Core.Routing;

/// <summary>
/// Several frozen experts on one copy of their base model, applied per row inside one forward pass. Every adapted
/// Linear holds all experts' low-rank factors stacked (TT-LoRA: A and B from its cores; LoRA: A = lora_A^T,
/// B = lora_B^T · scaling; zero-padded to a common rank) and each row gathers its own pair for a batched matmul;
/// bottleneck experts are gathered the same way. Heads are stacked too (zero-padded to the largest label count), so
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
        var parts = manifests.Select(m => ExpertParts.Read(registry.PathOf(m.Name), config, m)).ToList();
        var model = LlamaCheckpoint.LoadClassifier(baseModelDir, parts.Max(p => (int)p.Head.shape[0]), device);
        var selection = new ExpertSelection();
        try
        {
            model.eval();
            foreach (var p in model.parameters()) p.requires_grad = false;
            var weight = model.Score.weight!;
            InstallMixedModules(model, parts, selection, withUniformMerge, weight.dtype, weight.device);
            long maxLabels = parts.Max(p => p.Head.shape[0]);
            var heads = torch.zeros(parts.Count, maxLabels, config.HiddenSize, dtype: weight.dtype, device: weight.device);
            using (torch.no_grad())
                for (int e = 0; e < parts.Count; e++) heads[e].narrow(0, 0, parts[e].Head.shape[0]).copy_(parts[e].Head);
            return new ExpertMixture(model, manifests, heads, parts.Select(p => p.Head.shape[0]).ToArray(), parts.Select(p => p.Layers).ToArray(),
                selection, withUniformMerge, parts.Sum(p => p.AdapterParameters));
        }
        catch
        {
            model.Dispose();
            selection.Dispose();
            throw;
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
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

    private static void InstallMixedModules(LlamaForSequenceClassification model, IReadOnlyList<ExpertParts> parts, ExpertSelection selection,
        bool withMerge, ScalarType dtype, Device device)
    {
        int experts = parts.Count, slots = experts + (withMerge ? 1 : 0);
        var decoder = model.Model;
        using var noGrad = torch.no_grad();
        foreach (var site in LlamaAdapterSites.Enumerate(model.Config))
        {
            using var scope = NewDisposeScope();
            if (site.IsLinear)
            {
                var present = Enumerable.Range(0, experts).Where(e => parts[e].LowRank.ContainsKey(site.Path)).ToList();
                if (present.Count == 0) continue;
                int mergedRank = present.Sum(e => (int)parts[e].LowRank[site.Path].A.shape[1]);
                int rank = Math.Max(present.Max(e => (int)parts[e].LowRank[site.Path].A.shape[1]), withMerge ? mergedRank : 0);
                var a = torch.zeros(slots, site.InFeatures, rank);
                var b = torch.zeros(slots, rank, site.OutFeatures);
                int offset = 0;
                foreach (int e in present)
                {
                    var (ea, eb) = parts[e].LowRank[site.Path];
                    long r = ea.shape[1];
                    a[e].narrow(1, 0, r).copy_(ea);
                    b[e].narrow(0, 0, r).copy_(eb);
                    if (withMerge)
                    {
                        a[experts].narrow(1, offset, r).copy_(ea);
                        b[experts].narrow(0, offset, r).copy_(eb.div(experts));
                        offset += (int)r;
                    }
                }
                var linear = LlamaAdapterSites.Get(decoder, site) as Linear
                    ?? throw new InvalidOperationException($"{site.Path} is not a plain Linear");
                LlamaAdapterSites.Replace(decoder, site, new MixedLowRankLinear(site.Path, linear, a.to(dtype, device), b.to(dtype, device), selection));
            }
            else
            {
                var present = Enumerable.Range(0, experts).Where(e => parts[e].Blocks.ContainsKey(site.Path)).ToList();
                if (present.Count == 0) continue;
                var activations = present.Select(e => parts[e].Blocks[site.Path].NonLinearity).Distinct().ToList();
                if (activations.Count > 1)
                    throw new TtLoraException($"{site.Path}: bottleneck experts use different non-linearities ({string.Join(", ", activations)}); one batched pass needs one");
                int width = present.Max(e => (int)parts[e].Blocks[site.Path].Down.shape[0]);
                int hidden = site.OutFeatures;
                var down = torch.zeros(slots, hidden, width);
                var downBias = torch.zeros(slots, width);
                var up = torch.zeros(slots, width, hidden);
                var upBias = torch.zeros(slots, hidden);
                foreach (int e in present)
                {
                    var block = parts[e].Blocks[site.Path];
                    long w = block.Down.shape[0];
                    down[e].narrow(1, 0, w).copy_(block.Down.t());
                    downBias[e].narrow(0, 0, w).copy_(block.DownBias);
                    up[e].narrow(0, 0, w).copy_(block.Up.t());
                    upBias[e].copy_(block.UpBias);
                }
                if (withMerge)
                {
                    // Parameter averaging: a bottleneck is not linear, so its "uniform merge" is the mean of the weights.
                    down[experts].copy_(down.narrow(0, 0, experts).mean([0]));
                    downBias[experts].copy_(downBias.narrow(0, 0, experts).mean([0]));
                    up[experts].copy_(up.narrow(0, 0, experts).mean([0]));
                    upBias[experts].copy_(upBias.narrow(0, 0, experts).mean([0]));
                }
                var mlp = LlamaAdapterSites.Get(decoder, site);
                LlamaAdapterSites.Replace(decoder, site, new MixedBottleneckBlock(site.Path, mlp, down.to(dtype, device), downBias.to(dtype, device),
                    up.to(dtype, device), upBias.to(dtype, device), activations[0], selection));
            }
        }
    }

    /// <summary>One expert's factors, bottleneck weights and head, read from its folder.</summary>
    private sealed class ExpertParts : IDisposable
    {
        public Dictionary<string, (Tensor A, Tensor B)> LowRank { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, (Tensor Down, Tensor DownBias, Tensor Up, Tensor UpBias, string NonLinearity)> Blocks { get; } = new(StringComparer.Ordinal);
        public Tensor Head { get; private set; } = null!;
        public HashSet<int> Layers { get; } = [];
        public long AdapterParameters { get; private set; }

        public static ExpertParts Read(string folder, LlamaConfig modelConfig, ExpertManifest manifest)
        {
            var parts = new ExpertParts();
            try
            {
                using var checkpoint = AdapterFiles.Load(folder);
                var config = checkpoint.Config is TtLoraConfig tt ? tt with { Init = TtInitialization.Direct } : checkpoint.Config;
                IReadOnlyList<AdapterTarget> targets;
                try
                {
                    targets = AdapterTargets.Select(modelConfig, config);
                }
                catch (TtLoraException e)
                {
                    throw TtLoraException.InFile(checkpoint.ConfigPath, e.Message);
                }
                using var noGrad = torch.no_grad();
                foreach (var (site, target) in targets)
                {
                    using var adapter = config.CreateAdapter(site, target, seed: 0, ScalarType.Float32, CPU);
                    foreach (var (name, parameter) in adapter.FileParameters())
                    {
                        string key = AdapterFiles.Key(site.Path, name);
                        if (!checkpoint.Tensors.TryGetValue(key, out var stored))
                            throw TtLoraException.InFile(checkpoint.WeightsPath, $"missing tensor \"{key}\"");
                        if (!stored.shape.SequenceEqual(parameter.shape))
                            throw TtLoraException.InFile(checkpoint.WeightsPath, $"tensor \"{key}\" has shape [{string.Join(",", stored.shape)}] but {site.Path} needs [{string.Join(",", parameter.shape)}]");
                        parameter.copy_(stored);
                    }
                    parts.AdapterParameters += adapter.ParameterCount;
                    parts.Layers.Add(site.Layer);
                    switch (adapter)
                    {
                        case ILowRankAdapter lowRank:
                        {
                            var (a, b) = lowRank.LowRankFactors();
                            parts.LowRank[site.Path] = (Keep(a), Keep(b));
                            a.Dispose(); b.Dispose();
                            break;
                        }
                        case BottleneckAdapter bottleneck:
                        {
                            var p = bottleneck.FileParameters().ToDictionary(x => x.Name, x => x.Value);
                            parts.Blocks[site.Path] = (Keep(p["adapter_down.weight"]), Keep(p["adapter_down.bias"]), Keep(p["adapter_up.weight"]), Keep(p["adapter_up.bias"]), bottleneck.NonLinearity);
                            break;
                        }
                        default:
                            throw TtLoraException.InFile(checkpoint.ConfigPath, $"a {adapter.Kind} adapter cannot be mixed per row");
                    }
                }
                if (!checkpoint.Tensors.TryGetValue(AdapterFiles.HeadKey, out var head))
                    throw TtLoraException.InFile(checkpoint.WeightsPath, $"expert \"{manifest.Name}\" has no saved classification head ({AdapterFiles.HeadKey}); mixing needs each expert's head");
                if (head.dim() != 2 || head.shape[0] != manifest.Labels.Count || head.shape[1] != modelConfig.HiddenSize)
                    throw TtLoraException.InFile(checkpoint.WeightsPath, $"head \"{AdapterFiles.HeadKey}\" has shape [{string.Join(",", head.shape)}] but expert \"{manifest.Name}\" has {manifest.Labels.Count} labels on hidden size {modelConfig.HiddenSize}");
                parts.Head = Keep(head);
                return parts;
            }
            catch
            {
                parts.Dispose();
                throw;
            }
        }

        static Tensor Keep(Tensor t) => t.detach().to(ScalarType.Float32).clone().DetachFromDisposeScope();

        public void Dispose()
        {
            foreach (var (a, b) in LowRank.Values) { a.Dispose(); b.Dispose(); }
            foreach (var block in Blocks.Values) { block.Down.Dispose(); block.DownBias.Dispose(); block.Up.Dispose(); block.UpBias.Dispose(); }
            Head?.Dispose();
        }
    }
}

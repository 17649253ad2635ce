using System.Text.Json.Nodes;
using TtLora.Core.Adapters;
using TtLora.Core.Training;
using static TorchSharp.torch;

namespace TtLora.Core.Mixtures;

/// <summary>
/// The training side of token routers (MoLA's): after each forward it adds <c>coefficient · L_aux</c> to the loss
/// (nothing when the coefficient is 0, the reference's task fine-tuning setting) and, either way, accumulates per layer
/// the balance loss and each expert's share of the (token, slot) assignments, which each epoch's history row records.
/// </summary>
public sealed class RouterBalance
{
    private readonly IReadOnlyList<MolaAdapter> routers;
    private readonly double coefficient;
    private readonly string scope;
    private readonly bool realTokensOnly;
    private readonly Dictionary<int, (double LossSum, int Steps, double[] Counts, double Assignments)> perLayer = [];
    private Tensor? mask;

    /// <param name="injector">The model whose active adapters include the routers.</param>
    public RouterBalance(AdapterInjector injector, double coefficient, string scope, string tokens)
    {
        routers = [.. injector.AdaptedModules.Where(m => m.ActiveAdapter is not null).Select(m => m.GetAdapter(m.ActiveAdapter!)).OfType<MolaAdapter>()];
        if (routers.Count == 0) throw new TtLoraException("the model has no routed experts to balance");
        this.coefficient = coefficient;
        this.scope = scope;
        realTokensOnly = tokens == "real";
    }

    /// <summary>A training loop with this balance's hooks.</summary>
    public ClassifierTrainingLoop Loop() => new() { BeforeForward = m => mask = m, AuxiliaryLoss = Step, EpochStatistics = Record };

    /// <summary>The routers' logits of the last forward, as the loss reads them.</summary>
    private List<LoadBalanceLoss.Router> Current() =>
        [.. routers.Where(r => r.LastLogits is not null).Select(r => new LoadBalanceLoss.Router(r.Site.Layer, r.Site.Path, r.LastLogits!, r.TopK))];

    private Tensor? Step()
    {
        var current = Current();
        var real = realTokensOnly ? mask : null;
        using (torch.no_grad())
        {
            foreach (var layer in current.GroupBy(r => r.Layer))
            {
                using var scope = NewDisposeScope();
                var members = layer.ToList();
                double loss = LoadBalanceLoss.Compute(members, "layer", real).item<float>();
                var keep = real?.reshape(-1).to(ScalarType.Bool);
                var logits = torch.cat([.. members.Select(r => keep is null ? r.Logits : r.Logits.index(keep))], 0);
                var (_, chosen) = logits.topk(members[0].TopK, dim: -1);
                var counts = torch.bincount(chosen.reshape(-1), minlength: logits.shape[1]).to(ScalarType.Float64).data<double>().ToArray();
                var entry = perLayer.TryGetValue(layer.Key, out var e) ? e : (LossSum: 0.0, Steps: 0, Counts: new double[counts.Length], Assignments: 0.0);
                for (int i = 0; i < counts.Length; i++) entry.Counts[i] += counts[i];
                perLayer[layer.Key] = (entry.LossSum + loss, entry.Steps + 1, entry.Counts, entry.Assignments + chosen.numel());
            }
        }
        return coefficient == 0 ? null : LoadBalanceLoss.Compute(current, scope, real).mul(coefficient);
    }

    private void Record(int epoch, JsonObject row)
    {
        var layers = perLayer.OrderBy(kv => kv.Key).ToList();
        row["balance_loss_per_layer"] = new JsonArray([.. layers.Select(kv => (JsonNode?)(kv.Value.LossSum / kv.Value.Steps))]);
        row["expert_share_per_layer"] = new JsonArray([.. layers.Select(kv =>
            (JsonNode?)new JsonArray([.. kv.Value.Counts.Select(c => (JsonNode?)(kv.Value.Assignments == 0 ? 0 : c / kv.Value.Assignments))]))]);
        perLayer.Clear();
    }
}

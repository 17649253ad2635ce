using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace TtLora.Core.Adapters;

/// <summary>
/// MoLA at one kind of module: per layer its experts, top-k, each expert's update norm ‖(alpha/r)·B_e A_e‖_F and the
/// pairwise cosine similarity of the experts' updates (a redundancy view: experts that learned the same update are
/// wasted budget).
/// </summary>
public sealed record MolaModuleDetails(string Module, IReadOnlyList<int> Layers, int InFeatures, int OutFeatures, int Rank, double Scaling,
    IReadOnlyList<MolaLayerDetails> PerLayer)
    : ModuleDetails(Module, Layers, PerLayer.Count == 0 ? 0 : PerLayer.Sum(l => (long)l.Experts * (Rank * (InFeatures + OutFeatures) + InFeatures)) / PerLayer.Count)
{
    /// <summary>One layer's details from its stored tensors.</summary>
    public static MolaLayerDetails Layer(int layer, IReadOnlyDictionary<string, Tensor> tensors, int experts, int topK, double scaling)
    {
        using var scope = NewDisposeScope();
        var a = torch.stack([.. Enumerable.Range(0, experts).Select(e => tensors[$"lora_A_{e}.weight"].to(ScalarType.Float64))]);   // [E, r, in]
        var b = torch.stack([.. Enumerable.Range(0, experts).Select(e => tensors[$"lora_B_{e}.weight"].to(ScalarType.Float64))]);   // [E, out, r]
        // <B_i A_i, B_j A_j>_F = sum((B_iᵀ B_j) ⊙ (A_i A_jᵀ)): r x r products, never the dense out x in updates.
        var bb = torch.einsum("ior,jos->ijrs", b, b);
        var aa = torch.einsum("irn,jsn->ijrs", a, a);
        var gram = bb.mul(aa).sum([2, 3]).mul(scaling * scaling);                                                            // [E, E]
        var norms = gram.diagonal().clamp_min(0).sqrt();
        var cosine = gram.div(norms.unsqueeze(1).mul(norms.unsqueeze(0)).clamp_min(1e-30));
        var normValues = norms.data<double>().ToArray();
        var flat = cosine.contiguous().data<double>().ToArray();
        var similarity = new double[experts, experts];
        for (int i = 0; i < experts; i++)
            for (int j = 0; j < experts; j++) similarity[i, j] = normValues[i] == 0 || normValues[j] == 0 ? 0 : flat[i * experts + j];
        return new MolaLayerDetails(layer, experts, topK, normValues, similarity);
    }

    public override JsonObject ToJson()
    {
        var json = CommonJson("mola");
        json["in_features"] = InFeatures;
        json["out_features"] = OutFeatures;
        json["rank"] = Rank;
        json["scaling"] = Scaling;
        json["per_layer"] = new JsonArray([.. PerLayer.Select(l => (JsonNode?)new JsonObject
        {
            ["layer"] = l.Layer,
            ["experts"] = l.Experts,
            ["top_k"] = l.TopK,
            ["expert_update_norms"] = Doubles(l.UpdateNorms),
            ["mean_pairwise_cosine"] = double.IsNaN(l.MeanPairwiseCosine) ? null : l.MeanPairwiseCosine,
        })]);
        return json;
    }
}

/// <summary>One layer of a MoLA module.</summary>
/// <param name="UpdateNorms">‖(alpha/r)·B_e A_e‖_F per expert.</param>
/// <param name="Similarity">Cosine similarity of the experts' updates (0 where an update is zero).</param>
public sealed record MolaLayerDetails(int Layer, int Experts, int TopK, IReadOnlyList<double> UpdateNorms, double[,] Similarity)
{
    /// <summary>Mean cosine similarity over distinct pairs (NaN with one expert).</summary>
    public double MeanPairwiseCosine
    {
        get
        {
            if (Experts < 2) return double.NaN;
            double sum = 0; int pairs = 0;
            for (int i = 0; i < Experts; i++)
                for (int j = i + 1; j < Experts; j++) { sum += Similarity[i, j]; pairs++; }
            return sum / pairs;
        }
    }
}

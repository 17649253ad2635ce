using System.Text.Json.Nodes;

namespace TtLora.Core.Adapters;

/// <summary>LoRA at one kind of module: <c>delta W = scaling * B A</c> with A <c>[r, in]</c> and B <c>[out, r]</c>.</summary>
public sealed record LoraModuleDetails(string Module, IReadOnlyList<int> Layers, int InFeatures, int OutFeatures, int Rank, double Alpha, double Scaling,
    IReadOnlyList<LayerDetails> PerLayer) : ModuleDetails(Module, Layers, (long)Rank * (InFeatures + OutFeatures))
{
    /// <summary>Values in the dense <c>out x in</c> update.</summary>
    public long DenseParameters => (long)InFeatures * OutFeatures;

    /// <summary>How many times fewer values than the dense update.</summary>
    public double CompressionVsDense => (double)DenseParameters / ParametersPerLayer;

    public override JsonObject ToJson()
    {
        var json = CommonJson("lora");
        json["in_features"] = InFeatures;
        json["out_features"] = OutFeatures;
        json["rank"] = Rank;
        json["alpha"] = Alpha;
        json["scaling"] = Scaling;
        json["a_shape"] = Ints([Rank, InFeatures]);
        json["b_shape"] = Ints([OutFeatures, Rank]);
        json["dense_parameters"] = DenseParameters;
        json["compression_vs_dense"] = CompressionVsDense;
        json["per_layer"] = new JsonArray([.. PerLayer.Select(l => (JsonNode?)LayerJson(l))]);
        return json;
    }
}

using System.Text.Json.Nodes;
using TtLora.Core.TensorTrains;

namespace TtLora.Core.Adapters;

/// <summary>TT-LoRA at one kind of module: the train's shape, what it saves against a dense update and a LoRA of the same rank, and each layer's cores.</summary>
public sealed record TtModuleDetails(string Module, IReadOnlyList<int> Layers, TtShape Shape, double Alpha, IReadOnlyList<LayerDetails> PerLayer)
    : ModuleDetails(Module, Layers, Shape.ParameterCount)
{
    public int InFeatures => Shape.InFeatures;
    public int OutFeatures => Shape.OutFeatures;

    /// <summary>The bridge rank r: the update's matrix rank is at most this.</summary>
    public int Rank => Shape.BridgeRank;

    /// <summary>Values in the dense <c>out x in</c> update the train stands for.</summary>
    public long DenseParameters => (long)InFeatures * OutFeatures;

    /// <summary>Values in a LoRA of the same rank: <c>r * (in + out)</c>.</summary>
    public long LoraParameters => (long)Rank * (InFeatures + OutFeatures);

    /// <summary>How many times fewer values than the dense update.</summary>
    public double CompressionVsDense => (double)DenseParameters / ParametersPerLayer;

    /// <summary>How many times fewer values than a LoRA of the same rank.</summary>
    public double CompressionVsLora => (double)LoraParameters / ParametersPerLayer;

    public override JsonObject ToJson()
    {
        var json = CommonJson("tt-lora");
        json["in_features"] = InFeatures;
        json["out_features"] = OutFeatures;
        json["tt_shape"] = Ints(Shape.Modes);
        json["input_factors"] = Ints(Shape.InputFactors);
        json["output_factors"] = Ints(Shape.OutputFactors);
        json["ranks"] = Ints(Shape.Ranks);
        json["rank"] = Rank;
        json["alpha"] = Alpha;
        json["dense_parameters"] = DenseParameters;
        json["lora_parameters"] = LoraParameters;
        json["compression_vs_dense"] = CompressionVsDense;
        json["compression_vs_lora"] = CompressionVsLora;
        json["cores"] = new JsonArray([.. Enumerable.Range(0, Shape.CoreCount).Select(k => (JsonNode?)new JsonObject
        {
            ["index"] = k,
            ["side"] = k < Shape.InputCoreCount ? "input" : "output",
            ["shape"] = Longs(Shape.CoreShape(k)),
            ["parameters"] = Shape.CoreShape(k).Aggregate(1L, (a, b) => a * b),
        })]);
        json["per_layer"] = new JsonArray([.. PerLayer.Select(l =>
        {
            var layer = LayerJson(l);
            layer["core_singular_values"] = new JsonArray([.. l.Cores.Select(c => (JsonNode?)Doubles(c.SingularValues))]);
            return (JsonNode?)layer;
        })]);
        return json;
    }
}

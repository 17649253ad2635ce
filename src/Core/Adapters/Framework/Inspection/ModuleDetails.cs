using System.Text.Json.Nodes;

namespace TtLora.Core.Adapters;

/// <summary>The adapters of an expert at one kind of module (e.g. every layer's <c>q_proj</c>), as read from its files.</summary>
/// <param name="Module">Module name, e.g. <c>q_proj</c>, or <c>mlp</c> for a bottleneck adapter.</param>
/// <param name="Layers">The layers shown (all adapted ones, or the one selected).</param>
/// <param name="ParametersPerLayer">Values in one layer's adapter.</param>
public abstract record ModuleDetails(string Module, IReadOnlyList<int> Layers, long ParametersPerLayer)
{
    /// <summary>Values over the layers shown.</summary>
    public long TotalParameters => ParametersPerLayer * Layers.Count;

    /// <summary>Numbers only: shapes, parameters, ratios, singular values.</summary>
    public abstract JsonObject ToJson();

    private protected JsonObject CommonJson(string kind) => new()
    {
        ["module"] = Module,
        ["kind"] = kind,
        ["layers"] = Ints(Layers),
        ["parameters_per_layer"] = ParametersPerLayer,
        ["total_parameters"] = TotalParameters,
    };

    private protected static JsonArray Ints(IEnumerable<int> values) => new([.. values.Select(v => (JsonNode?)v)]);

    private protected static JsonArray Longs(IEnumerable<long> values) => new([.. values.Select(v => (JsonNode?)v)]);

    private protected static JsonArray Doubles(IEnumerable<double> values) => new([.. values.Select(v => (JsonNode?)v)]);

    private protected static JsonObject LayerJson(LayerDetails layer) => new()
    {
        ["layer"] = layer.Layer,
        ["update_singular_values"] = Doubles(layer.UpdateSingularValues),
        ["update_frobenius_norm"] = layer.UpdateNorm,
    };
}

using System.Text.Json.Nodes;
using TtLora.Core.Adapters;

namespace TtLora.Core.Adapters;

/// <summary>A bottleneck adapter on a layer's feed-forward block (serial or parallel): down <c>[b, hidden]</c>, activation, up <c>[hidden, b]</c>, with biases.</summary>
/// <param name="Kind">The adapter kind's name (<c>bottleneck</c> or <c>parallel</c>).</param>
public sealed record BottleneckModuleDetails(string Module, IReadOnlyList<int> Layers, int HiddenSize, int BottleneckSize, string NonLinearity, string Kind = "bottleneck")
    : ModuleDetails(Module, Layers, BottleneckAdapter.CountParameters(HiddenSize, BottleneckSize))
{
    /// <summary>Where the adapter sits, in words.</summary>
    public string PlacementDescription => Kind == ParallelKind.Instance.Name ? "beside the feed-forward block, reading its input" : "on the feed-forward output";

    public override JsonObject ToJson()
    {
        var json = CommonJson(Kind);
        json["hidden_size"] = HiddenSize;
        json["bottleneck_size"] = BottleneckSize;
        json["non_linearity"] = NonLinearity;
        json["down_shape"] = Ints([BottleneckSize, HiddenSize]);
        json["up_shape"] = Ints([HiddenSize, BottleneckSize]);
        return json;
    }
}

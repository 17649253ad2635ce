using System.Text.Json.Nodes;
using TtLora.Core.Adapters;

namespace TtLora.Extension.Results;

/// <summary>A bottleneck adapter after a layer's feed-forward block: down <c>[b, hidden]</c>, activation, up <c>[hidden, b]</c>, with biases.</summary>
public sealed record BottleneckModuleDetails(string Module, IReadOnlyList<int> Layers, int HiddenSize, int BottleneckSize, string NonLinearity)
    : ModuleDetails(Module, Layers, BottleneckAdapter.CountParameters(HiddenSize, BottleneckSize))
{
    public override JsonObject ToJson()
    {
        var json = CommonJson("bottleneck");
        json["hidden_size"] = HiddenSize;
        json["bottleneck_size"] = BottleneckSize;
        json["non_linearity"] = NonLinearity;
        json["down_shape"] = Ints([BottleneckSize, HiddenSize]);
        json["up_shape"] = Ints([HiddenSize, BottleneckSize]);
        return json;
    }
}

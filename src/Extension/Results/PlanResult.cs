using System.Text;
using System.Text.Json.Nodes;
using TtLora.Core.Adapters;
using TtLora.Core.TensorTrains;
using TtLora.Extension.Display;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Results;

/// <summary>A parameter budget: per module and in total.</summary>
public sealed record PlanResult(string Adapter, AdapterPlan Plan) : ICommandResult
{
    public string ToText()
    {
        var s = new StringBuilder();
        s.AppendLine($"{Adapter}: {Plan.TrainableParameters:N0} trainable parameters ({Plan.TrainablePercent:0.####}% of {Plan.BaseParameters:N0})");
        foreach (var m in Plan.Modules)
        {
            string shape = m.Details is { } d ? "  " + string.Join(", ", d.Columns.Select(c => $"{c.Column} {c.Value}")) : $"  rank {m.Rank}";
            s.AppendLine($"  {m.Module,-12} {m.InFeatures,6} -> {m.OutFeatures,-6} {m.ParametersPerLayer,10:N0} x {m.Layers.Count,3} layers = {m.TotalParameters,12:N0}{shape}");
        }
        if (Plan.HeadParameters > 0) s.AppendLine($"  {"score",-12} head {Plan.HeadParameters,29:N0}");
        s.Append($"  total {Plan.TrainableParameters:N0}");
        return s.ToString();
    }

    public JsonNode ToJson() => new JsonObject
    {
        ["adapter"] = Adapter,
        ["trainable_parameters"] = Plan.TrainableParameters,
        ["adapter_parameters"] = Plan.AdapterParameters,
        ["head_parameters"] = Plan.HeadParameters,
        ["base_parameters"] = Plan.BaseParameters,
        ["trainable_percent"] = Plan.TrainablePercent,
        ["modules"] = new JsonArray(Plan.Modules.Select(m =>
        {
            var row = new JsonObject
            {
            ["module"] = m.Module,
            ["in_features"] = m.InFeatures,
            ["out_features"] = m.OutFeatures,
            ["layers"] = new JsonArray(m.Layers.Select(l => (JsonNode?)l).ToArray()),
            ["parameters_per_layer"] = m.ParametersPerLayer,
            ["total_parameters"] = m.TotalParameters,
            ["rank"] = m.Rank,
            };
            if (m.Details is { } details)
                foreach (var (key, value) in details.ToJson()) row[key] = value?.DeepClone();
            return (JsonNode?)row;
        }).ToArray()),
    };

    /// <summary>The HTML view.</summary>
    public string ToHtml() => PlanView.ToHtml(this);
}

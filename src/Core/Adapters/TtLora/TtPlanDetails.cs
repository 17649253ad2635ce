using System.Text.Json.Nodes;
using TtLora.Core.TensorTrains;

namespace TtLora.Core.Adapters;

/// <summary>A TT-LoRA plan row's shapes: modes, input and output factors, bond ranks.</summary>
public sealed record TtPlanDetails(TtShape Shape) : PlanDetails
{
    public override IReadOnlyList<(string Column, string Value)> Columns =>
    [
        ("tt_shape", TtShape.Format(Shape.Modes)), ("input factors", TtShape.Format(Shape.InputFactors)),
        ("output factors", TtShape.Format(Shape.OutputFactors)), ("ranks", TtShape.Format(Shape.Ranks)),
    ];

    public override string Summary(int rank) => $"tt {TtShape.Format(Shape.InputFactors)}x{TtShape.Format(Shape.OutputFactors)} r={rank}";

    public override JsonObject ToJson() => new()
    {
        ["tt_shape"] = Ints(Shape.Modes),
        ["input_factors"] = Ints(Shape.InputFactors),
        ["output_factors"] = Ints(Shape.OutputFactors),
        ["tt_ranks"] = Ints(Shape.Ranks),
    };

    // Rows group by shape, so two plans of the same modes and ranks are equal.
    public bool Equals(TtPlanDetails? other) => other is not null && other.Shape.ToString() == Shape.ToString() && other.Shape.Ranks.SequenceEqual(Shape.Ranks);

    public override int GetHashCode() => Shape.ToString().GetHashCode(StringComparison.Ordinal);

    static JsonArray Ints(IEnumerable<int> values) => new([.. values.Select(v => (JsonNode?)v)]);
}

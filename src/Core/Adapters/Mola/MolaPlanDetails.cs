using System.Text.Json.Nodes;

namespace TtLora.Core.Adapters;

/// <summary>A MoLA plan row's experts per module and top-k.</summary>
public sealed record MolaPlanDetails(int Experts, int TopK) : PlanDetails
{
    public override IReadOnlyList<(string Column, string Value)> Columns => [("experts", Experts.ToString()), ("top-k", TopK.ToString())];

    public override string Summary(int rank) => $"mola {Experts} experts top-{TopK} r={rank}";

    public override JsonObject ToJson() => new() { ["experts"] = Experts, ["top_k"] = TopK };
}

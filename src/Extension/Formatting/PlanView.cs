using TtLora.Core.TensorTrains;
using TtLora.Extension.Results;

namespace TtLora.Extension.Formatting;

/// <summary>HTML for <see cref="PlanResult"/>: a card of totals, then one row per adapted module with its TT shape.</summary>
public static class PlanView
{
    public static string ToHtml(PlanResult result)
    {
        var plan = result.Plan;
        var card = new KeyValueCard($"{result.Adapter} plan")
            .Add("trainable", $"{Html.Number(plan.TrainableParameters)} ({Html.Number(Math.Round(plan.TrainablePercent, 4))}% of the base model)")
            .Add("adapters", HtmlCell.Number(plan.AdapterParameters))
            .Add("head", plan.HeadParameters > 0 ? HtmlCell.Number(plan.HeadParameters) : HtmlCell.Text("frozen"))
            .Add("base model", HtmlCell.Number(plan.BaseParameters));
        // Kind-specific columns (TT-LoRA: its shapes), in the order the kind gives them.
        var extra = plan.Modules.SelectMany(m => m.Details?.Columns.Select(c => c.Column) ?? []).Distinct().ToList();
        string[] columns = ["module", "in → out", "layers", "per layer", "total", "rank", .. extra];
        var table = new HtmlTable("modules", columns);
        foreach (var m in plan.Modules)
        {
            var row = new List<HtmlCell>
            {
                m.Module, $"{Html.Number(m.InFeatures)} → {Html.Number(m.OutFeatures)}", LayerRanges.Describe(m.Layers),
                HtmlCell.Number(m.ParametersPerLayer), HtmlCell.Number(m.TotalParameters), m.Rank,
            };
            var values = m.Details?.Columns.ToDictionary(c => c.Column, c => c.Value) ?? [];
            row.AddRange(extra.Select(c => (HtmlCell)values.GetValueOrDefault(c, "")));
            table.AddRow([.. row]);
        }
        var total = new List<HtmlCell> { HtmlCell.Text("total", Highlight.Best), "", "", "", HtmlCell.Number(plan.AdapterParameters, highlight: Highlight.Best), "" };
        total.AddRange(extra.Select(_ => (HtmlCell)""));
        table.AddRow([.. total]);
        if (plan.HeadParameters > 0)
        {
            var head = new List<HtmlCell> { "score (head)", "", "", "", HtmlCell.Number(plan.HeadParameters), "" };
            head.AddRange(extra.Select(_ => (HtmlCell)""));
            table.AddRow([.. head]);
        }
        return new HtmlOutput().Add(card.ToHtml()).Add(table.ToHtml()).ToString();
    }
}

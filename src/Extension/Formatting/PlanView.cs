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
        bool tt = plan.Modules.Any(m => m.Shape is not null);
        string[] columns = tt
            ? ["module", "in → out", "layers", "per layer", "total", "rank", "tt_shape", "input factors", "output factors", "ranks"]
            : ["module", "in → out", "layers", "per layer", "total", "rank"];
        var table = new HtmlTable("modules", columns);
        foreach (var m in plan.Modules)
        {
            var row = new List<HtmlCell>
            {
                m.Module, $"{Html.Number(m.InFeatures)} → {Html.Number(m.OutFeatures)}", LayerRanges.Describe(m.Layers),
                HtmlCell.Number(m.ParametersPerLayer), HtmlCell.Number(m.TotalParameters), m.Rank,
            };
            if (tt)
                row.AddRange(m.Shape is { } s
                    ? [TtShape.Format(s.Modes), TtShape.Format(s.InputFactors), TtShape.Format(s.OutputFactors), TtShape.Format(s.Ranks)]
                    : ["", "", "", ""]);
            table.AddRow([.. row]);
        }
        var total = new List<HtmlCell> { HtmlCell.Text("total", Highlight.Best), "", "", "", HtmlCell.Number(plan.AdapterParameters, highlight: Highlight.Best), "" };
        if (tt) total.AddRange(["", "", "", ""]);
        table.AddRow([.. total]);
        if (plan.HeadParameters > 0)
        {
            var head = new List<HtmlCell> { "score (head)", "", "", "", HtmlCell.Number(plan.HeadParameters), "" };
            if (tt) head.AddRange(["", "", "", ""]);
            table.AddRow([.. head]);
        }
        return new HtmlOutput().Add(card.ToHtml()).Add(table.ToHtml()).ToString();
    }
}

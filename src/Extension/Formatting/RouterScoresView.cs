using System.Globalization;
using TtLora.Core.Routing;
using TtLora.Extension.Results;

namespace TtLora.Extension.Formatting;

/// <summary>
/// HTML for <see cref="RouterScoresResult"/> (<c>route</c>). One text: the text, per-expert probability bars with the
/// chosen expert marked, a table of clean logits, noise scales and probabilities, and the chosen expert's label with
/// its label probabilities. Several texts: a text × expert heatmap of probabilities with each chosen expert outlined,
/// and beside it a table (sortable by clicking a header) of each text's route, its true task where known.
/// </summary>
public static class RouterScoresView
{
    /// <summary>Characters of a text shown in a heatmap row label.</summary>
    const int RowLabelLength = 32;

    public static string ToHtml(RouterScoresResult result)
    {
        var c = result.Config;
        var html = new HtmlOutput();
        if (result.Predictions.Count == 0) return html.AddText($"router {c.Name}: no texts to route", muted: true).ToString();
        html.Add(new KeyValueCard($"router {c.Name}")
            .Add("kind", $"{RouterKinds.Name(c.Shape.Kind)} (top-{c.Shape.TopK}) over {c.Experts.Count} experts")
            .Add("scores", result.Predictions[0].NoiseScale is null ? "clean logits (this router has no noise)"
                : "clean logits; the noise scale is the spread the router's learned noise adds to each logit in training")
            .ToHtml());
        if (result.Predictions.Count == 1) AddOne(html, result, result.Predictions[0]);
        else AddMany(html, result);
        return html.ToString();
    }

    /// <summary>The chart: probability bars for one text, the text × expert heatmap for several.</summary>
    public static PlotlyFigure? Figure(RouterScoresResult result) => result.Predictions.Count switch
    {
        0 => null,
        1 => Bars(result.Predictions[0]),
        _ => Heatmap(result),
    };

    static void AddOne(HtmlOutput html, RouterScoresResult result, RoutedPrediction p)
    {
        html.Add($"<div class=\"ttl-text\">{Html.Encode(p.Text)}</div>");
        string? task = TaskOf(result.Config, p.ChosenExpert);
        html.Add($"<div>routed to <span class=\"hl-chosen\">{Html.Encode(p.ExpertName)}</span>{(task is null ? "" : $" (task {Html.Encode(task)})")} "
            + $"with probability {Html.Encode(Html.Percent(p.Probabilities[p.ChosenExpert]))}; it answers <b>{Html.Encode(p.LabelName)}</b></div>");
        html.AddChart(Bars(p));

        var columns = new List<string> { "expert", "task", "clean logit" };
        if (p.NoiseScale is not null) columns.Add("noise scale");
        columns.Add("probability");
        var table = new HtmlTable("router scores (highlighted: the chosen expert)", [.. columns]);
        for (int e = 0; e < p.Experts.Count; e++)
        {
            var cells = new List<HtmlCell> { p.Experts[e], TaskOf(result.Config, e) ?? "", HtmlCell.Number(p.CleanLogits[e], "0.000") };
            if (p.NoiseScale is not null) cells.Add(HtmlCell.Number(p.NoiseScale[e], "0.000"));
            cells.Add(HtmlCell.Percent(p.Probabilities[e]));
            table.AddRow([.. cells]);
            if (e == p.ChosenExpert)
                for (int column = 0; column < columns.Count; column++) table.HighlightCell(e, column, Highlight.Chosen);
        }
        html.Add(table.ToHtml());

        html.AddHeading($"{p.ExpertName}: label probabilities");
        html.Add(HtmlBars.ToHtml(p.Labels, LabelProbabilities(p), p.Label, "0.0%"));
        if (result.PaddedWidth is int width)
            html.AddText($"label logits zero-padded to {width}: [{string.Join(", ", p.PaddedLogits(width).Select(v => v.ToString("0.###", CultureInfo.InvariantCulture)))}]", muted: true);
    }

    static void AddMany(HtmlOutput html, RouterScoresResult result)
    {
        var c = result.Config;
        var predictions = result.Predictions;
        bool hasTasks = result.TrueTasks is not null && result.TrueTasks.Any(t => t is not null);
        int known = 0, right = 0;
        var table = new HtmlTable("routes (click a header to sort)", hasTasks
            ? ["#", "text", "true task", "chosen expert", "probability", "answer"]
            : ["#", "text", "chosen expert", "probability", "answer"]);
        for (int i = 0; i < predictions.Count; i++)
        {
            var p = predictions[i];
            string? trueTask = result.TrueTasks?[i];
            var chosen = HtmlCell.Text(p.ExpertName, Highlight.Chosen);
            if (trueTask is not null)
            {
                known++;
                bool correct = TaskOf(c, p.ChosenExpert) == trueTask;
                if (correct) right++;
                chosen = HtmlCell.Text(p.ExpertName, correct ? Highlight.Best : Highlight.Warn)
                    .WithTooltip(correct ? "the true task's expert" : $"the true task is {trueTask}");
            }
            var cells = new List<HtmlCell> { i + 1, HtmlCell.Text(Excerpt(p.Text, 90)).WithTooltip(p.Text) };
            if (hasTasks) cells.Add(trueTask ?? "");
            cells.AddRange([chosen, HtmlCell.Percent(p.Probabilities[p.ChosenExpert]), p.LabelName]);
            table.AddRow([.. cells]);
        }
        if (known > 0) html.AddText($"{right} of {known} texts with a known task routed to that task's expert ({Html.Percent((double)right / known)})");
        string id = "ttl-sort-" + Guid.NewGuid().ToString("N");
        // The table comes first in the page but shows second: when the chart's script runs (as the page is parsed), its
        // neighbour already takes its share of the row, so Plotly sizes the chart to the space left beside the table.
        html.Add("<div style=\"display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start\">");
        html.Add($"<div id=\"{id}\" style=\"order:2;flex:1 1 380px;min-width:320px;overflow-x:auto\">").Add(table.ToHtml()).Add("</div>");
        html.Add("<div style=\"order:1;flex:1 1 460px;min-width:320px\">");
        html.AddChart(Heatmap(result));
        html.Add("</div></div>");
        html.Add(SortScript(id));
    }

    static PlotlyFigure Bars(RoutedPrediction p) => Charts.Bars(p.Experts, p.Probabilities.Select(v => (double)v).ToArray(),
        $"Router probabilities (highlighted: the chosen expert, {p.ExpertName})", highlight: p.ChosenExpert,
        xTitle: "probability", horizontal: true).WithLayout(layout => layout["xaxis"]!["range"] = new System.Text.Json.Nodes.JsonArray(0, 1));

    static PlotlyFigure Heatmap(RouterScoresResult result)
    {
        var predictions = result.Predictions;
        var experts = result.Config.Experts;
        var z = new double[predictions.Count, experts.Count];
        for (int r = 0; r < predictions.Count; r++)
            for (int e = 0; e < experts.Count; e++) z[r, e] = predictions[r].Probabilities[e];
        var rows = predictions.Select((p, i) => $"{i + 1}. {Excerpt(p.Text, RowLabelLength)}" + (result.TrueTasks?[i] is string t ? $" [{t}]" : "")).ToArray();
        return Charts.Heatmap(z, experts, rows, "Router probabilities per text (outlined: the chosen expert)", "expert", "text",
            showValues: true, marked: predictions.Select((p, r) => (r, p.ChosenExpert)), zMin: 0, zMax: 1);
    }

    /// <summary>Softmax of the chosen expert's label logits, in double precision.</summary>
    public static double[] LabelProbabilities(RoutedPrediction p)
    {
        double max = p.LabelLogits.Max();
        var exp = p.LabelLogits.Select(v => Math.Exp(v - max)).ToArray();
        double sum = exp.Sum();
        return exp.Select(v => v / sum).ToArray();
    }

    static string? TaskOf(RouterConfig config, int expert) => expert < config.Tasks.Count ? config.Tasks[expert] : null;

    static string Excerpt(string text, int length)
    {
        string flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= length ? flat : flat[..(length - 1)] + "…";
    }

    // Sorting by a header click; numbers (including percentages and thousands separators) sort numerically.
    static string SortScript(string id) =>
        "<script type=\"text/javascript\">(function(){var root=document.getElementById('" + id + "');if(!root)return;"
        + "var table=root.querySelector('table');if(!table||!table.tBodies.length)return;var body=table.tBodies[0];"
        + "var heads=table.querySelectorAll('thead th');heads.forEach(function(th,i){th.style.cursor='pointer';th.title='sort by '+th.textContent;"
        + "th.addEventListener('click',function(){var asc=th.getAttribute('data-sort')!=='asc';heads.forEach(function(h){h.removeAttribute('data-sort');});"
        + "th.setAttribute('data-sort',asc?'asc':'desc');var rows=Array.prototype.slice.call(body.rows);"
        + "rows.sort(function(a,b){var x=a.cells[i].textContent,y=b.cells[i].textContent;"
        + "var nx=parseFloat(x.replace(/[,%]/g,'')),ny=parseFloat(y.replace(/[,%]/g,''));"
        + "var d=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y);return asc?d:-d;});"
        + "rows.forEach(function(r){body.appendChild(r);});});});})();</script>";
}

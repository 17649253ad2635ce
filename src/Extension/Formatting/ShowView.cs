using TtLora.Core.Adapters;
using System.Globalization;
using TtLora.Core.TensorTrains;
using TtLora.Extension.Results;

namespace TtLora.Extension.Formatting;

/// <summary>
/// HTML for <see cref="ShowResult"/>: a card for the expert, then per module a card of shapes and savings, a table of
/// its cores, and pictures: for one layer a heatmap of each core's unfolding, the cores' singular values and the
/// update's; for several layers the update's singular values per layer.
/// </summary>
public static class ShowView
{
    public static string ToHtml(ShowResult result)
    {
        var a = result.Adapter;
        var m = result.Manifest;
        var output = new HtmlOutput();
        var card = new KeyValueCard($"expert {m.Name}")
            .Add("task", m.Task)
            .Add("adapter", $"{m.AdapterKind} ({a.PeftType})")
            .Add("layers", a.Layer is int layer ? $"layer {layer} only" : LayerRanges.Describe(a.Modules.SelectMany(x => x.Layers)))
            .Add("adapter parameters", HtmlCell.Number(a.AdapterParameters))
            .Add("head", a.HeadShape is { } head ? $"score [{string.Join(",", head)}], {Html.Number(a.HeadParameters)} parameters" : "not saved")
            .Add("folder", result.Folder);
        output.Add(card.ToHtml());
        foreach (var module in a.Modules)
        {
            switch (module)
            {
                case TtModuleDetails tt: AppendTt(output, tt); break;
                case LoraModuleDetails lora: AppendLora(output, lora); break;
                case BottleneckModuleDetails bn: AppendBottleneck(output, bn); break;
                case MolaModuleDetails mola: AppendMola(output, mola); break;
            }
        }
        if (a.Modules.Any(x => x is TtModuleDetails { PerLayer.Count: > 1 }))
            output.AddText("Pass --layer N to see one layer's cores as heatmaps with their singular values.", muted: true);
        return output.ToString();
    }

    static void AppendTt(HtmlOutput output, TtModuleDetails m)
    {
        var shape = m.Shape;
        output.AddHeading($"{m.Module}: {m.InFeatures} → {m.OutFeatures}, layers {LayerRanges.Describe(m.Layers)}");
        output.Add(new KeyValueCard($"{m.Module} tensor train")
            .Add("tt_shape", TtShape.Format(shape.Modes))
            .Add("input factors", TtShape.Format(shape.InputFactors))
            .Add("output factors", TtShape.Format(shape.OutputFactors))
            .Add("ranks", TtShape.Format(shape.Ranks))
            .Add("alpha", HtmlCell.Number(m.Alpha))
            .Add("parameters", $"{Html.Number(m.ParametersPerLayer)} per layer × {m.Layers.Count} = {Html.Number(m.TotalParameters)}")
            .Add("vs dense update", HtmlCell.Text($"{Html.Number(m.DenseParameters)} ({Ratio(m.CompressionVsDense)} fewer)", Highlight.Best)
                .WithTooltip($"a full {m.OutFeatures}×{m.InFeatures} update"))
            .Add("vs LoRA, same rank", HtmlCell.Text($"{Html.Number(m.LoraParameters)} ({Ratio(m.CompressionVsLora)} fewer)", m.CompressionVsLora >= 1 ? Highlight.Best : Highlight.Warn)
                .WithTooltip($"r × (in + out) = {m.Rank} × ({m.InFeatures} + {m.OutFeatures})"))
            .ToHtml());

        var single = m.PerLayer.Count == 1 ? m.PerLayer[0] : null;
        string[] columns = single is null
            ? ["core", "side", "shape", "parameters", "unfolding"]
            : ["core", "side", "shape", "parameters", "unfolding", $"singular values (layer {single.Layer})"];
        var cores = new HtmlTable($"{m.Module} cores", columns);
        for (int k = 0; k < shape.CoreCount; k++)
        {
            long[] core = shape.CoreShape(k);
            bool input = k < shape.InputCoreCount;
            var row = new List<HtmlCell>
            {
                $"tt_cores.{k}", input ? "input" : "output", Dims(core), HtmlCell.Number(core[0] * core[1] * core[2]),
                input ? Dims([core[0] * core[1], core[2]]) : Dims([core[0], core[1] * core[2]]),
            };
            if (single is not null) row.Add(string.Join(" ", single.Cores[k].SingularValues.Select(v => Html.Number(v))));
            cores.AddRow([.. row]);
        }
        output.Add(cores.ToHtml());

        if (single is not null)
        {
            foreach (var core in single.Cores) output.AddChart(CoreHeatmap(m.Module, single.Layer, core));
            output.AddChart(CoreSpectra(m.Module, single));
            output.AddChart(Charts.Bars(Sigmas(single.UpdateSingularValues.Count), single.UpdateSingularValues,
                $"{m.Module}, layer {single.Layer}: singular values of the update (alpha included, rank ≤ {m.Rank})", yTitle: "σ"));
        }
        else
        {
            AppendUpdateTable(output, m.Module, m.PerLayer);
            output.AddChart(UpdateSpectra($"{m.Module}: singular values of the update per layer (alpha included, rank ≤ {m.Rank})", m.PerLayer));
        }
    }

    static void AppendLora(HtmlOutput output, LoraModuleDetails m)
    {
        output.AddHeading($"{m.Module}: {m.InFeatures} → {m.OutFeatures}, layers {LayerRanges.Describe(m.Layers)}");
        output.Add(new KeyValueCard($"{m.Module} LoRA")
            .Add("lora_A", Dims([m.Rank, m.InFeatures]))
            .Add("lora_B", Dims([m.OutFeatures, m.Rank]))
            .Add("rank", m.Rank)
            .Add("alpha", HtmlCell.Number(m.Alpha))
            .Add("scaling", HtmlCell.Number(m.Scaling))
            .Add("parameters", $"{Html.Number(m.ParametersPerLayer)} per layer × {m.Layers.Count} = {Html.Number(m.TotalParameters)}")
            .Add("vs dense update", HtmlCell.Text($"{Html.Number(m.DenseParameters)} ({Ratio(m.CompressionVsDense)} fewer)", Highlight.Best))
            .ToHtml());
        AppendUpdateTable(output, m.Module, m.PerLayer);
        string title = $"{m.Module}: singular values of scaling · B A (rank ≤ {m.Rank})";
        output.AddChart(m.PerLayer.Count == 1
            ? Charts.Bars(Sigmas(m.PerLayer[0].UpdateSingularValues.Count), m.PerLayer[0].UpdateSingularValues, title, yTitle: "σ")
            : UpdateSpectra(title, m.PerLayer));
    }

    static void AppendBottleneck(HtmlOutput output, BottleneckModuleDetails m)
    {
        output.AddHeading($"{m.Module}: {m.Kind} adapter {m.PlacementDescription}, layers {LayerRanges.Describe(m.Layers)}");
        output.Add(new KeyValueCard($"{m.Module} {m.Kind}")
            .Add("adapter_down", $"{Dims([m.BottleneckSize, m.HiddenSize])} + bias [{m.BottleneckSize}]")
            .Add("activation", m.NonLinearity)
            .Add("adapter_up", $"{Dims([m.HiddenSize, m.BottleneckSize])} + bias [{m.HiddenSize}]")
            .Add("parameters", $"{Html.Number(m.ParametersPerLayer)} per layer × {m.Layers.Count} = {Html.Number(m.TotalParameters)}")
            .ToHtml());
    }

    // Per layer: experts, top-k and how alike the experts' updates are; with one layer, the similarity matrix itself.
    static void AppendMola(HtmlOutput output, MolaModuleDetails m)
    {
        output.AddHeading($"{m.Module}: {m.InFeatures} → {m.OutFeatures}, routed LoRA experts, layers {LayerRanges.Describe(m.Layers)}");
        var table = new HtmlTable($"{m.Module} experts per layer", "layer", "experts", "top-k", "mean pairwise cosine", "expert update norms");
        foreach (var l in m.PerLayer)
            table.AddRow(l.Layer, l.Experts, l.TopK, double.IsNaN(l.MeanPairwiseCosine) ? "–" : HtmlCell.Number(Math.Round(l.MeanPairwiseCosine, 3)),
                string.Join(", ", l.UpdateNorms.Select(n => n.ToString("0.###", CultureInfo.InvariantCulture))));
        output.Add(table.ToHtml());
        if (m.PerLayer.Count == 1 && m.PerLayer[0].Experts > 1)
        {
            var l = m.PerLayer[0];
            var labels = Enumerable.Range(0, l.Experts).Select(e => $"expert {e}").ToArray();
            output.Add(Charts.Heatmap(l.Similarity, labels, labels, $"{m.Module}, layer {l.Layer}: cosine similarity of the experts' updates",
                showValues: true, colorScale: "RdBu", zMin: -1, zMax: 1).ToHtml());
        }
    }

    static void AppendUpdateTable(HtmlOutput output, string module, IReadOnlyList<LayerDetails> layers)
    {
        int count = layers.Max(l => l.UpdateSingularValues.Count);
        var table = new HtmlTable($"{module}: update singular values", ["layer", "norm", .. Sigmas(count)]);
        foreach (var layer in layers)
            table.AddRow([layer.Layer, HtmlCell.Number(layer.UpdateNorm, "0.####"),
                .. Enumerable.Range(0, count).Select(i => i < layer.UpdateSingularValues.Count ? HtmlCell.Number(layer.UpdateSingularValues[i], "0.####") : HtmlCell.Text(""))]);
        output.Add(table.ToHtml());
    }

    /// <summary>
    /// A core's unfolding with its bond of rank r along the rows (so the picture is wide, not tall): an input core's
    /// <c>[r_k·n_k, r_{k+1}]</c> is drawn transposed. A diverging scale centred on zero shows signs.
    /// </summary>
    public static PlotlyFigure CoreHeatmap(string module, int layer, CoreDetails core)
    {
        var u = core.Unfolding;
        int rows = u.GetLength(0), columns = u.GetLength(1);
        long left = core.Shape[0], mode = core.Shape[1], right = core.Shape[2];
        double[,] z;
        string[] x, y;
        string xTitle, yTitle;
        if (core.InputSide)
        {
            z = new double[columns, rows];
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < columns; c++) z[c, r] = u[r, c];
            // Unfolding rows enumerate (left bond a, mode i) with a slowest.
            x = [.. Enumerable.Range(0, rows).Select(r => $"a{r / mode} i{r % mode}")];
            y = [.. Enumerable.Range(0, columns).Select(c => $"b{c}")];
            (xTitle, yTitle) = ("(left bond a, input digit i)", "right bond b");
        }
        else
        {
            z = u;
            // Unfolding columns enumerate (mode o, right bond b) with o slowest.
            x = [.. Enumerable.Range(0, columns).Select(c => $"o{c / right} b{c % right}")];
            y = [.. Enumerable.Range(0, rows).Select(r => $"a{r}")];
            (xTitle, yTitle) = ("(output digit o, right bond b)", "left bond a");
        }
        double extent = 0;
        foreach (double v in u) if (double.IsFinite(v)) extent = Math.Max(extent, Math.Abs(v));
        if (extent == 0) extent = 1;
        return Charts.Heatmap(z, x, y, $"{module}, layer {layer}: tt_cores.{core.Index} {Dims(core.Shape)} ({core.Side}, r_k={left})",
            xTitle, yTitle, colorScale: "RdBu", zMin: -extent, zMax: extent);
    }

    /// <summary>The singular values of every core's unfolding, one group of bars per σ index.</summary>
    public static PlotlyFigure CoreSpectra(string module, LayerDetails layer)
    {
        int count = layer.Cores.Max(c => c.SingularValues.Count);
        return Charts.GroupedBars(Sigmas(count),
            [.. layer.Cores.Select(c => new BarSeries($"tt_cores.{c.Index}", [.. Enumerable.Range(0, count).Select(i => i < c.SingularValues.Count ? c.SingularValues[i] : double.NaN)]))],
            $"{module}, layer {layer.Layer}: singular values of each core's unfolding", yTitle: "σ");
    }

    /// <summary>The update's singular values, one line per layer.</summary>
    public static PlotlyFigure UpdateSpectra(string title, IReadOnlyList<LayerDetails> layers) =>
        Charts.Lines([.. layers.Select(l => new LineSeries($"layer {l.Layer}",
            [.. Enumerable.Range(1, l.UpdateSingularValues.Count).Select(i => (double)i)], l.UpdateSingularValues))], title, xTitle: "index i of σi", yTitle: "σ")
            .WithLayout(layout => layout["xaxis"]!["dtick"] = 1);

    static string[] Sigmas(int count) => [.. Enumerable.Range(1, count).Select(i => $"σ{i}")];

    static string Dims(long[] dims) => "[" + string.Join(",", dims) + "]";

    static string Ratio(double ratio) => ratio.ToString(ratio >= 10 ? "0" : "0.##", CultureInfo.InvariantCulture) + "×";
}

using TtLora.Extension.Results;

namespace TtLora.Extension.Formatting;

/// <summary>HTML for <see cref="ModelInfoResult"/>: an architecture card and a table of the checkpoint's files.</summary>
public static class ModelInfoView
{
    public static string ToHtml(ModelInfoResult result) => AppendTo(new HtmlOutput(), result).ToString();

    internal static HtmlOutput AppendTo(HtmlOutput output, ModelInfoResult result)
    {
        var summary = result.Summary;
        var c = summary.Config;
        var card = new KeyValueCard(summary.Architecture)
            .Add("folder", summary.Directory)
            .Add("parameters", HtmlCell.Raw(Html.Encode(Html.Number(summary.ParameterCount))
                + (summary.ParametersByDType.Count == 0 ? "" : " <span class=\"ttl-muted\">(" + Html.Encode(string.Join(", ", summary.ParametersByDType.Select(kv => $"{kv.Key} {Html.Number(kv.Value)}"))) + ")</span>")))
            .Add("layers", Html.Number(c.NumHiddenLayers))
            .Add("hidden", $"{Html.Number(c.HiddenSize)} (intermediate {Html.Number(c.IntermediateSize)})")
            .Add("heads", $"{c.NumAttentionHeads} query, {c.NumKeyValueHeads} key/value, head_dim {c.HeadDim}")
            .Add("vocab", Html.Number(c.VocabSize) + (c.TieWordEmbeddings ? " (tied embeddings)" : ""))
            .Add("rope", $"theta {Html.Number(c.RopeTheta)}"
                + (c.RopeScaling is { } r ? $", {r.RopeType} scaling x{Html.Number(r.Factor)}" : "")
                + $", max positions {Html.Number(c.MaxPositionEmbeddings)}")
            .Add("dtype", c.TorchDtype);
        output.Add(card.ToHtml());

        var files = new HtmlTable("files", "file", "bytes");
        foreach (var (name, bytes) in summary.Files) files.AddRow(name, bytes);
        return output.Add(files.ToHtml());
    }
}

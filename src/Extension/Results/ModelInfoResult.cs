using System.Text;
using System.Text.Json.Nodes;
using TtLora.Core.Models;
using TtLora.Extension.Display;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Results;

/// <summary>A checkpoint's architecture, size and files.</summary>
public sealed record ModelInfoResult(CheckpointSummary Summary) : ICommandResult
{
    public string ToText()
    {
        var c = Summary.Config;
        var s = new StringBuilder();
        s.AppendLine($"{Summary.Architecture} in {Summary.Directory}");
        s.AppendLine($"  parameters      {Summary.ParameterCount:N0} ({string.Join(", ", Summary.ParametersByDType.Select(kv => $"{kv.Key} {kv.Value:N0}"))})");
        s.AppendLine($"  layers          {c.NumHiddenLayers}");
        s.AppendLine($"  hidden          {c.HiddenSize} (intermediate {c.IntermediateSize})");
        s.AppendLine($"  heads           {c.NumAttentionHeads} query, {c.NumKeyValueHeads} key/value, head_dim {c.HeadDim}");
        s.AppendLine($"  vocab           {c.VocabSize}{(c.TieWordEmbeddings ? " (tied embeddings)" : "")}");
        s.AppendLine($"  rope            theta {c.RopeTheta}{(c.RopeScaling is { } r ? $", {r.RopeType} scaling x{r.Factor}" : "")}, max positions {c.MaxPositionEmbeddings}");
        s.AppendLine($"  dtype           {c.TorchDtype}");
        s.AppendLine("  files");
        foreach (var (name, bytes) in Summary.Files) s.AppendLine($"    {name,-36} {bytes,14:N0} bytes");
        return s.ToString().TrimEnd();
    }

    public JsonNode ToJson()
    {
        var c = Summary.Config;
        return new JsonObject
        {
            ["directory"] = Summary.Directory,
            ["architecture"] = Summary.Architecture,
            ["parameters"] = Summary.ParameterCount,
            ["parameters_by_dtype"] = new JsonObject(Summary.ParametersByDType.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
            ["dtype"] = c.TorchDtype,
            ["config"] = c.ToJson(Summary.Architecture),
            ["files"] = new JsonArray(Summary.Files.Select(f => (JsonNode?)new JsonObject { ["name"] = f.Name, ["bytes"] = f.Bytes }).ToArray()),
        };
    }

    /// <summary>The HTML view.</summary>
    public string ToHtml() => ModelInfoView.ToHtml(this);
}

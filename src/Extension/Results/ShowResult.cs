using TtLora.Core.Adapters;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using TtLora.Core.Registry;
using TtLora.Core.TensorTrains;
using TtLora.Extension.Display;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Results;

/// <summary>An expert's adapter in detail: per module its shapes, parameters and compression, its cores and the spectrum of its update.</summary>
public sealed record ShowResult(ExpertManifest Manifest, string Folder, AdapterDetails Adapter) : ICommandResult
{
    /// <summary>Singular values shown per line of text; the JSON always has all of them.</summary>
    const int TextSingularValues = 8;

    public string ToText()
    {
        var a = Adapter;
        var s = new StringBuilder();
        s.Append($"expert {Manifest.Name} (task {Manifest.Task}): {Manifest.AdapterKind} adapter ({a.PeftType}), {a.AdapterParameters:N0} adapter parameters");
        s.AppendLine(a.Layer is int layer ? $" in layer {layer}" : "");
        if (a.HeadShape is { } head) s.AppendLine($"  head     score [{string.Join(",", head)}], {a.HeadParameters:N0} parameters");
        foreach (var module in a.Modules)
        {
            s.AppendLine();
            switch (module)
            {
                case TtModuleDetails tt: AppendTt(s, tt); break;
                case LoraModuleDetails lora: AppendLora(s, lora); break;
                case BottleneckModuleDetails bn: AppendBottleneck(s, bn); break;
                case MolaModuleDetails mola: AppendMola(s, mola); break;
            }
        }
        // Column padding leaves trailing blanks on lines whose last column is empty.
        return string.Join("\n", s.ToString().TrimEnd().Split('\n').Select(line => line.TrimEnd()));
    }

    static void AppendTt(StringBuilder s, TtModuleDetails m)
    {
        var shape = m.Shape;
        s.AppendLine($"{m.Module}  {m.InFeatures} -> {m.OutFeatures}, layers {LayerRanges.Describe(m.Layers)}");
        s.AppendLine($"  tt_shape {TtShape.Format(shape.Modes)} (input {TtShape.Format(shape.InputFactors)}, output {TtShape.Format(shape.OutputFactors)}), ranks {TtShape.Format(shape.Ranks)}, alpha {F(m.Alpha)}");
        s.AppendLine($"  parameters {m.ParametersPerLayer:N0} per layer x {m.Layers.Count} = {m.TotalParameters:N0}");
        s.AppendLine($"  vs dense {m.OutFeatures}x{m.InFeatures} update: {m.DenseParameters:N0} ({m.CompressionVsDense:0.#}x fewer); vs LoRA r={m.Rank}: {m.LoraParameters:N0} ({m.CompressionVsLora:0.##}x fewer)");
        bool oneLayer = m.PerLayer.Count == 1;
        s.AppendLine($"  {"core",-5} {"side",-7} {"shape",-14} {"params",8}  {"unfolding",-11}{(oneLayer ? $" singular values (layer {m.PerLayer[0].Layer})" : "")}");
        for (int k = 0; k < shape.CoreCount; k++)
        {
            long[] core = shape.CoreShape(k);
            bool input = k < shape.InputCoreCount;
            string unfolding = input ? $"[{core[0] * core[1]},{core[2]}]" : $"[{core[0]},{core[1] * core[2]}]";
            s.Append($"  {k,-5} {(input ? "input" : "output"),-7} {"[" + string.Join(",", core) + "]",-14} {core[0] * core[1] * core[2],8:N0}  {unfolding,-11}");
            if (oneLayer) s.Append(' ').Append(Values(m.PerLayer[0].Cores[k].SingularValues));
            s.AppendLine();
        }
        AppendUpdates(s, m.PerLayer, $"alpha {F(m.Alpha)} included, at most r={m.Rank}");
    }

    static void AppendLora(StringBuilder s, LoraModuleDetails m)
    {
        s.AppendLine($"{m.Module}  {m.InFeatures} -> {m.OutFeatures}, layers {LayerRanges.Describe(m.Layers)}");
        s.AppendLine($"  lora_A [{m.Rank},{m.InFeatures}], lora_B [{m.OutFeatures},{m.Rank}], r {m.Rank}, alpha {F(m.Alpha)}, scaling {F(m.Scaling)}");
        s.AppendLine($"  parameters {m.ParametersPerLayer:N0} per layer x {m.Layers.Count} = {m.TotalParameters:N0}; vs dense {m.OutFeatures}x{m.InFeatures} update: {m.DenseParameters:N0} ({m.CompressionVsDense:0.#}x fewer)");
        AppendUpdates(s, m.PerLayer, $"scaling {F(m.Scaling)} included, at most r={m.Rank}");
    }

    static void AppendBottleneck(StringBuilder s, BottleneckModuleDetails m)
    {
        s.AppendLine($"{m.Module}  {m.Kind} adapter {m.PlacementDescription}, layers {LayerRanges.Describe(m.Layers)}");
        s.AppendLine($"  adapter_down [{m.BottleneckSize},{m.HiddenSize}] + bias, {m.NonLinearity}, adapter_up [{m.HiddenSize},{m.BottleneckSize}] + bias");
        s.AppendLine($"  parameters {m.ParametersPerLayer:N0} per layer x {m.Layers.Count} = {m.TotalParameters:N0}");
    }

    static void AppendMola(StringBuilder s, MolaModuleDetails m)
    {
        s.AppendLine($"{m.Module}  {m.InFeatures} -> {m.OutFeatures}, routed LoRA experts (r {m.Rank}, scaling {F(m.Scaling)}), layers {LayerRanges.Describe(m.Layers)}");
        s.AppendLine($"  {"layer",-6} {"experts",7} {"top-k",5} {"mean cosine",11}  expert update norms");
        foreach (var l in m.PerLayer)
            s.AppendLine($"  {l.Layer,-6} {l.Experts,7} {l.TopK,5} {(double.IsNaN(l.MeanPairwiseCosine) ? "-" : F(l.MeanPairwiseCosine)),11}  {Values(l.UpdateNorms)}");
    }

    static void AppendUpdates(StringBuilder s, IReadOnlyList<LayerDetails> layers, string note)
    {
        s.AppendLine($"  update singular values ({note})");
        foreach (var layer in layers)
            s.AppendLine($"    layer {layer.Layer,-3} norm {F(layer.UpdateNorm),-10} {Values(layer.UpdateSingularValues)}");
    }

    static string Values(IReadOnlyList<double> values) =>
        string.Join(" ", values.Take(TextSingularValues).Select(v => v.ToString("0.###e+0", CultureInfo.InvariantCulture)))
        + (values.Count > TextSingularValues ? $" ... ({values.Count})" : "");

    static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);

    public JsonNode ToJson() => new JsonObject
    {
        ["expert"] = Manifest.Name,
        ["task"] = Manifest.Task,
        ["adapter_kind"] = Manifest.AdapterKind,
        ["peft_type"] = Adapter.PeftType,
        ["folder"] = Folder,
        ["layer"] = Adapter.Layer,
        ["adapter_parameters"] = Adapter.AdapterParameters,
        ["trainable_parameters"] = Manifest.TrainableParameters,
        ["head"] = Adapter.HeadShape is { } head
            ? new JsonObject { ["shape"] = new JsonArray([.. head.Select(d => (JsonNode?)d)]), ["parameters"] = Adapter.HeadParameters }
            : null,
        ["modules"] = new JsonArray([.. Adapter.Modules.Select(m => (JsonNode?)m.ToJson())]),
    };

    /// <summary>The HTML view: cards, tables, core heatmaps and spectra.</summary>
    public string ToHtml() => ShowView.ToHtml(this);
}

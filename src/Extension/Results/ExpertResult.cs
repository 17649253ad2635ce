using System.Text;
using System.Text.Json.Nodes;
using TtLora.Core.Registry;
using TtLora.Extension.Display;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Results;

/// <summary>One expert from the registry: what it is for, how it was trained, how well it does.</summary>
public sealed record ExpertResult(ExpertManifest Manifest) : ICommandResult
{
    public string ToText()
    {
        var m = Manifest;
        var s = new StringBuilder();
        s.AppendLine($"expert {m.Name}: task {m.Task} ({string.Join(", ", m.Labels)})");
        s.AppendLine($"  adapter     {m.AdapterKind}, {m.TrainableParameters:N0} trainable parameters");
        if (m.AdapterShape.Length > 0) s.AppendLine($"  shape       {m.AdapterShape}");
        s.AppendLine($"  accuracy    validation {m.ValidationAccuracy:P1}, test {m.TestAccuracy:P1} (majority baseline {m.MajorityBaseline:P1})");
        s.AppendLine($"  training    {m.EpochsRun} epochs (best {m.BestEpoch}), {m.TrainingSeconds:F1} s, {m.TokensPerSecond:N0} tokens/s");
        s.Append($"  base model  {m.BaseModel} ({m.BaseModelFingerprint})");
        return s.ToString();
    }

    public JsonNode ToJson() => Manifest.ToJson();

    /// <summary>The HTML view.</summary>
    public string ToHtml() => ExpertView.ToHtml(this);
}

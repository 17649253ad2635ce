using System.Text.Json.Nodes;
using TtLora.Core.Training;
using TtLora.Extension.Display;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Results;

/// <summary>A pretrained base model and how it was made.</summary>
public sealed record PretrainResult(PretrainReport Report) : ICommandResult
{
    public string ToText() =>
        $"{(Report.Reused ? "reusing" : "pretrained")} base model in {Report.ModelDirectory}\n" +
        $"  parameters            {Report.Parameters:N0}\n" +
        $"  vocabulary            {Report.VocabSize:N0} tokens (byte-level BPE)\n" +
        $"  steps                 {Report.Steps:N0} ({Report.TrainingTokens:N0} tokens)\n" +
        $"  validation perplexity {Report.ValidationPerplexity:F2} (loss {Report.ValidationLoss:F3})\n" +
        $"  time                  tokenizer {Report.TokenizerTime.TotalSeconds:F0} s, training {Report.TrainingTime.TotalSeconds:F0} s ({Report.TokensPerSecond:N0} tokens/s)";

    public JsonNode ToJson()
    {
        var json = Report.ToJson();
        json["reused"] = Report.Reused;
        return json;
    }

    /// <summary>The HTML view.</summary>
    public string ToHtml() => PretrainView.ToHtml(this);
}

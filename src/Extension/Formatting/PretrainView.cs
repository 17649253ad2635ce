using TtLora.Extension.Results;

namespace TtLora.Extension.Formatting;

/// <summary>HTML for <see cref="PretrainResult"/>: a card of the base model, its quality and its cost.</summary>
public static class PretrainView
{
    public static string ToHtml(PretrainResult result)
    {
        var r = result.Report;
        var card = new KeyValueCard(r.Reused ? "reusing pretrained base model" : "pretrained base model")
            .Add("folder", r.ModelDirectory)
            .Add("parameters", HtmlCell.Number(r.Parameters))
            .Add("vocabulary", $"{Html.Number(r.VocabSize)} tokens (byte-level BPE)")
            .Add("steps", $"{Html.Number(r.Steps)} ({Html.Number(r.TrainingTokens)} tokens)")
            .Add("train loss", HtmlCell.Number(r.TrainLoss, "0.000"))
            .Add("validation", $"perplexity {Html.Number(Math.Round(r.ValidationPerplexity, 2))} (loss {Html.Number(Math.Round(r.ValidationLoss, 3))})")
            .Add("time", $"tokenizer {Html.Duration(r.TokenizerTime)}, training {Html.Duration(r.TrainingTime)}")
            .Add("speed", $"{Html.Number(Math.Round(r.TokensPerSecond))} tokens/s");
        return new HtmlOutput().Add(card.ToHtml()).ToString();
    }
}

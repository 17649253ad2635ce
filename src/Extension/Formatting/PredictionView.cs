using TtLora.Extension.Results;

namespace TtLora.Extension.Formatting;

/// <summary>HTML for <see cref="PredictionResult"/>: per text, the predicted label and a bar per label's probability, the predicted one marked.</summary>
public static class PredictionView
{
    const int ShownCharacters = 240;

    public static string ToHtml(PredictionResult result)
    {
        var table = new HtmlTable($"expert {result.Expert}", "#", "text", "prediction", "probabilities");
        for (int i = 0; i < result.Texts.Count; i++)
        {
            var probabilities = result.Probabilities[i].Select(p => (double)p).ToArray();
            int predicted = Array.IndexOf(result.Probabilities[i], result.Probabilities[i].Max());
            string text = result.Texts[i];
            var textCell = text.Length > ShownCharacters
                ? HtmlCell.Text(text[..ShownCharacters] + "…").WithTooltip(text)
                : HtmlCell.Text(text);
            table.AddRow(i + 1, textCell, HtmlCell.Text(result.Predicted(i), Highlight.Chosen),
                HtmlCell.Raw(HtmlBars.ToHtml(result.Labels, probabilities, predicted, "0.0%")));
        }
        return new HtmlOutput().Add(table.ToHtml()).ToString();
    }
}

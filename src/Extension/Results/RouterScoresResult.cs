using System.Text;
using System.Text.Json.Nodes;
using TtLora.Core.Routing;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Results;

/// <summary>
/// A router's view of each text: per-expert clean logits, noise scale, probabilities, the chosen expert and its answer;
/// with <paramref name="PaddedWidth"/>, also the label logits zero-padded to that width.
/// </summary>
/// <param name="TrueTasks">Each text's true task where known (one entry per prediction, null when unknown), e.g. from
/// <c>route --file</c> with a task column; the view then marks whether each text reached its task's expert.</param>
public sealed record RouterScoresResult(RouterConfig Config, IReadOnlyList<RoutedPrediction> Predictions, int? PaddedWidth = null,
    IReadOnlyList<string?>? TrueTasks = null) : ICommandResult
{
    public IReadOnlyList<string?>? TrueTasks { get; init; } = TrueTasks is null || TrueTasks.Count == Predictions.Count ? TrueTasks
        : throw new TtLora.Core.TtLoraException($"router scores: {TrueTasks.Count} true tasks for {Predictions.Count} texts; give one per text (null when unknown).");

    public string ToText()
    {
        var s = new StringBuilder();
        for (int i = 0; i < Predictions.Count; i++)
        {
            var p = Predictions[i];
            string text = p.Text.Length > 60 ? p.Text[..60] + "..." : p.Text;
            s.AppendLine($"{text.ReplaceLineEndings(" ")}{(TrueTasks?[i] is string task ? $"  [task {task}]" : "")}");
            s.AppendLine($"  -> {p.ExpertName} ({p.Probabilities[p.ChosenExpert]:P1}): {p.LabelName} ({string.Join(", ", p.Labels.Select((l, j) => $"{l} {p.LabelLogits[j]:F2}"))})");
            for (int e = 0; e < p.Experts.Count; e++)
                s.AppendLine($"     {(e == p.ChosenExpert ? "*" : " ")} {p.Experts[e],-24} logit {p.CleanLogits[e],8:F3}" +
                    (p.NoiseScale is null ? "" : $"  noise scale {p.NoiseScale[e]:F3}") + $"  p {p.Probabilities[e]:P1}");
        }
        return s.ToString().TrimEnd();
    }

    public JsonNode ToJson() => new JsonObject
    {
        ["router"] = Config.Name,
        ["router_type"] = RouterKinds.Name(Config.Shape.Kind),
        ["experts"] = new JsonArray(Config.Experts.Select(e => (JsonNode?)e).ToArray()),
        ["predictions"] = new JsonArray(Predictions.Select(p => (JsonNode?)new JsonObject
        {
            ["text"] = p.Text,
            ["clean_logits"] = Numbers(p.CleanLogits),
            ["noise_scale"] = p.NoiseScale is null ? null : Numbers(p.NoiseScale),
            ["probabilities"] = Numbers(p.Probabilities),
            ["expert"] = p.ExpertName,
            ["expert_index"] = p.ChosenExpert,
            ["labels"] = new JsonArray(p.Labels.Select(l => (JsonNode?)l).ToArray()),
            ["label_logits"] = Numbers(p.LabelLogits),
            ["padded_logits"] = PaddedWidth is int width ? Numbers(p.PaddedLogits(width)) : null,
            ["label"] = p.LabelName,
        }).ToArray()),
        ["true_tasks"] = TrueTasks is null ? null : new JsonArray(TrueTasks.Select(t => (JsonNode?)t).ToArray()),
    };

    /// <summary>Probability bars for one text, a text × expert heatmap for several (<see cref="RouterScoresView"/>).</summary>
    public string ToHtml() => RouterScoresView.ToHtml(this);

    public PlotlyFigure? Figure => RouterScoresView.Figure(this);

    static JsonArray Numbers(float[] values) => new(values.Select(v => (JsonNode?)v).ToArray());
}

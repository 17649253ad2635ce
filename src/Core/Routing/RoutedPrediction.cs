namespace TtLora.Core.Routing;

/// <summary>
/// One input's route and answer: the router's clean logits, noise scale (noisy routers) and probabilities per expert,
/// the chosen expert, and that expert's label logits and prediction in its own label space.
/// </summary>
public sealed record RoutedPrediction(
    string Text,
    IReadOnlyList<string> Experts,
    float[] CleanLogits,
    float[]? NoiseScale,
    float[] Probabilities,
    int ChosenExpert,
    IReadOnlyList<string> Labels,
    float[] LabelLogits,
    int Label)
{
    public string ExpertName => Experts[ChosenExpert];
    public string LabelName => Labels[Label];

    /// <summary>
    /// The label logits zero-padded to <paramref name="width"/> (the widest expert's label count), as the reference
    /// reports them: its stacked heads have zero rows past each expert's labels.
    /// </summary>
    public float[] PaddedLogits(int width) => [.. LabelLogits, .. new float[Math.Max(0, width - LabelLogits.Length)]];
}

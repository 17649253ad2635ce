namespace TtLora.Core.Training;

/// <summary>
/// One progress event from any training loop (pretraining, stage one, stage two). Hosts render it as a progress
/// bar (terminal) or a live chart (notebook). Validation fields are set on evaluation events only.
/// </summary>
public sealed record TrainingProgress(
    string Phase,
    int Step,
    int TotalSteps,
    int Epoch,
    double Loss,
    double? Accuracy,
    double TokensPerSecond,
    TimeSpan Elapsed,
    double? ValidationLoss = null,
    double? ValidationAccuracy = null,
    string? Message = null)
{
    /// <summary>Remaining time if the current speed holds.</summary>
    public TimeSpan Eta => Step <= 0 || TotalSteps <= Step ? TimeSpan.Zero
        : TimeSpan.FromSeconds(Elapsed.TotalSeconds / Step * (TotalSteps - Step));

    public double Fraction => TotalSteps <= 0 ? 0 : Math.Min(1.0, (double)Step / TotalSteps);
}

namespace TtLora.Core.Training;

/// <summary>Learning rate per optimizer step: linear warm-up, then constant, linear or cosine decay.</summary>
public sealed record LearningRateSchedule(double PeakLr, int WarmupSteps, int TotalSteps, string Kind = "cosine", double MinLrFraction = 0.1)
{
    public static readonly string[] Kinds = ["constant", "linear", "cosine"];

    public double At(int step)
    {
        if (WarmupSteps > 0 && step < WarmupSteps) return PeakLr * (step + 1) / WarmupSteps;
        double progress = TotalSteps <= WarmupSteps ? 1.0 : Math.Clamp((double)(step - WarmupSteps) / (TotalSteps - WarmupSteps), 0, 1);
        double floor = PeakLr * MinLrFraction;
        return Kind switch
        {
            "constant" => PeakLr,
            "linear" => floor + (PeakLr - floor) * (1 - progress),
            "cosine" => floor + (PeakLr - floor) * 0.5 * (1 + Math.Cos(Math.PI * progress)),
            _ => throw new TtLoraException($"--schedule: expected one of {string.Join(", ", Kinds)}, got \"{Kind}\""),
        };
    }

    public static void Apply(torch.optim.Optimizer optimizer, double lr)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
    }
}

namespace TtLora.Extension.Formatting;

/// <summary>One named line of a line chart: y against x. <paramref name="SecondaryAxis"/> plots it on a right-hand axis.</summary>
public sealed record LineSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, bool SecondaryAxis = false);

/// <summary>One named group of bars: a value per category.</summary>
public sealed record BarSeries(string Name, IReadOnlyList<double> Values);

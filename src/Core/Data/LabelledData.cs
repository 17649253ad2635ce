namespace TtLora.Core.Data;

/// <summary>Examples read from one source (a file, a set of Parquet shards) with the label names their indices refer to.</summary>
public sealed record LabelledData(string Source, IReadOnlyList<string> LabelNames, IReadOnlyList<LabelledExample> Examples);

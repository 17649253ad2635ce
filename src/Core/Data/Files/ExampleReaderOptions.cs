namespace TtLora.Core.Data;

/// <summary>How the label column is interpreted.</summary>
public enum LabelEncoding
{
    /// <summary>Strings are label names, integers are label indices.</summary>
    Auto,
    /// <summary>Every value (also a number) is a label name.</summary>
    Names,
    /// <summary>Every value (also a numeric string, as in CSV) is a label index.</summary>
    Indices,
}

/// <summary>Which columns of a JSONL, CSV/TSV or Parquet file make up a labelled example.</summary>
public sealed record ExampleReaderOptions
{
    /// <summary>The input column(s); several are joined with a newline, or flattened with <see cref="Template"/>.</summary>
    public IReadOnlyList<string> TextColumns { get; init; } = ["text"];

    /// <summary>The label column.</summary>
    public string LabelColumn { get; init; } = "label";

    /// <summary>Column holding a unique example id; without it ids are "file-stem:record-number".</summary>
    public string? IdColumn { get; init; }

    /// <summary>Column naming the source document (passages of one document share it).</summary>
    public string? SourceColumn { get; init; }

    /// <summary>
    /// The label names (index = position). When absent they come from the file's Hugging Face ClassLabel metadata
    /// (Parquet), else from the data: sorted distinct names, or "0".."max" for integer labels.
    /// </summary>
    public IReadOnlyList<string>? LabelNames { get; init; }

    /// <summary>Template over the text columns, e.g. <c>"premise: {premise} hypothesis: {hypothesis}"</c>.</summary>
    public string? Template { get; init; }

    /// <summary>How label values are read; see <see cref="LabelEncoding"/>.</summary>
    public LabelEncoding Labels { get; init; } = LabelEncoding.Auto;

    /// <summary>Skip rows whose label is null or a negative index (Hugging Face marks unlabelled test rows with -1).</summary>
    public bool SkipUnlabelled { get; init; }

    /// <summary>
    /// CSV/TSV only: whether fields may be RFC 4180 quoted. Default: yes for CSV; no for TSV, whose fields are
    /// literal (the GLUE convention, where quote characters inside text are ordinary characters).
    /// </summary>
    public bool? QuotedFields { get; init; }

    /// <summary>
    /// Parquet only: accept U+FFFD in text. Parquet strings are decoded leniently by the Parquet library, so a
    /// replacement character is how invalid UTF-8 shows up; by default it is reported as an error.
    /// </summary>
    public bool AllowReplacementCharacter { get; init; }

    /// <summary>Options reading the columns a task definition names, with its label names.</summary>
    public static ExampleReaderOptions For(TaskDefinition task) => new()
    {
        TextColumns = task.TextFields,
        LabelColumn = task.LabelField,
        LabelNames = task.LabelNames,
        Template = task.Template,
    };
}

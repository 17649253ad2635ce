namespace TtLora.Core.Data;

/// <summary>Reads and writes labelled examples, choosing the format by extension: .jsonl/.ndjson, .csv, .tsv, .parquet.</summary>
public static class ExampleFiles
{
    /// <summary>Reads examples from <paramref name="path"/>.</summary>
    public static LabelledData Read(string path, ExampleReaderOptions? options = null) => FormatOf(path) switch
    {
        ".jsonl" => JsonlExampleReader.Read(path, options),
        ".csv" => DelimitedExampleReader.Read(path, ',', options),
        ".tsv" => DelimitedExampleReader.Read(path, '\t', options),
        _ => ParquetExampleReader.Read(path, options),
    };

    /// <summary>Writes examples to <paramref name="path"/> (atomically); <see cref="RoundTripOptions"/> reads them back.</summary>
    public static void Write(string path, IReadOnlyList<LabelledExample> examples, IReadOnlyList<string> labelNames)
    {
        switch (FormatOf(path))
        {
            case ".jsonl": JsonlExampleWriter.Write(path, examples, labelNames); break;
            case ".csv": DelimitedExampleWriter.Write(path, examples, labelNames, ','); break;
            case ".tsv": DelimitedExampleWriter.Write(path, examples, labelNames, '\t'); break;
            default: ParquetExampleWriter.Write(path, examples, labelNames); break;
        }
    }

    /// <summary>Reader options matching the columns <see cref="Write"/> produces.</summary>
    public static ExampleReaderOptions RoundTripOptions(IReadOnlyList<string> labelNames) => JsonlExampleWriter.ReaderOptions(labelNames);

    /// <summary>
    /// Reads a task's split files with the task's columns and label names. Without a validation file, 10% of the
    /// training documents (chosen by a stable hash) become validation; without a test file the test split is empty.
    /// </summary>
    public static TaskSplits ReadSplits(TaskDefinition task, string trainPath, string? validationPath = null, string? testPath = null,
        ExampleReaderOptions? options = null)
    {
        options ??= ExampleReaderOptions.For(task);
        IReadOnlyList<LabelledExample> Load(string? path) => path is null ? [] : Read(path, options).Examples;
        var splits = new TaskSplits(task, Load(trainPath), Load(validationPath), Load(testPath));
        return validationPath is null ? splits.WithValidationFromTrain(0.1) : splits;
    }

    static string FormatOf(string path)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        return extension switch
        {
            ".jsonl" or ".ndjson" => ".jsonl",
            ".csv" or ".tsv" or ".parquet" => extension,
            _ => throw TtLoraException.InFile(path, "unknown format; expected a .jsonl, .ndjson, .csv, .tsv or .parquet file"),
        };
    }
}

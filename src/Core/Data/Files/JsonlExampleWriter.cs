using System.Text.Encodings.Web;
using System.Text.Json;

namespace TtLora.Core.Data;

/// <summary>
/// Writes examples as JSON Lines: <c>{"id", "text", "label" (the name), "source_id" (when set)}</c>, atomically.
/// Reading the file back with the same label names gives the same examples.
/// </summary>
public static class JsonlExampleWriter
{
    static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(string path, IReadOnlyList<LabelledExample> examples, IReadOnlyList<string> labelNames)
    {
        using var buffer = new MemoryStream();
        foreach (var example in examples)
        {
            using (var json = new Utf8JsonWriter(buffer, Options))
            {
                json.WriteStartObject();
                json.WriteString("id", example.Id);
                json.WriteString("text", example.Text);
                json.WriteString("label", LabelName(example, labelNames));
                if (example.SourceId is not null) json.WriteString("source_id", example.SourceId);
                json.WriteEndObject();
            }
            buffer.WriteByte((byte)'\n');
        }
        AtomicFile.Write(path, buffer.Length, file => buffer.WriteTo(file));
    }

    /// <summary>Options that read a file written here back into the same examples.</summary>
    public static ExampleReaderOptions ReaderOptions(IReadOnlyList<string> labelNames) => new()
    {
        TextColumns = ["text"],
        LabelColumn = "label",
        IdColumn = "id",
        SourceColumn = "source_id",
        LabelNames = labelNames, // names as strings, or indices (Parquet) - both read back under LabelEncoding.Auto
    };

    internal static string LabelName(LabelledExample example, IReadOnlyList<string> labelNames) =>
        (uint)example.Label < (uint)labelNames.Count ? labelNames[example.Label]
        : throw new TtLoraException($"example '{example.Id}': label index {example.Label} is outside [0, {labelNames.Count})");
}

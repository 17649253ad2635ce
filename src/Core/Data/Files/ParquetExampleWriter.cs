using System.Text.Json.Nodes;
using Parquet;
using Parquet.Schema;

namespace TtLora.Core.Data;

/// <summary>
/// Writes examples as Parquet laid out like a Hugging Face dataset: columns <c>id</c>, <c>text</c>,
/// <c>label</c> (int64 index), <c>source_id</c>, and the label names as a ClassLabel feature in the
/// "huggingface" file metadata, so readers (ours and the datasets library) recover them.
/// </summary>
public static class ParquetExampleWriter
{
    public static void Write(string path, IReadOnlyList<LabelledExample> examples, IReadOnlyList<string> labelNames)
    {
        foreach (var example in examples) JsonlExampleWriter.LabelName(example, labelNames); // validates indices
        using var buffer = new MemoryStream();
        WriteAsync(buffer, examples, labelNames).GetAwaiter().GetResult();
        AtomicFile.WriteAllBytes(path, buffer.ToArray()); // ToArray also works if the writer closed the stream
    }

    static async Task WriteAsync(Stream stream, IReadOnlyList<LabelledExample> examples, IReadOnlyList<string> labelNames)
    {
        var id = new DataField<string>("id");
        var text = new DataField<string>("text");
        var label = new DataField<long>("label");
        var source = new DataField<string>("source_id", true);
        var schema = new ParquetSchema(id, text, label, source);
        await using var writer = await ParquetWriter.CreateAsync(schema, stream);
        writer.CustomMetadata = new Dictionary<string, string> { ["huggingface"] = Metadata(labelNames) };
        using var group = writer.CreateRowGroup();
        await group.WriteAsync(id, examples.Select(e => e.Id).ToArray());
        await group.WriteAsync(text, examples.Select(e => e.Text).ToArray());
        await group.WriteAsync<long>(label, examples.Select(e => (long)e.Label).ToArray());
        await group.WriteAsync(source, examples.Select(e => e.SourceId).ToArray()!);
    }

    static string Metadata(IReadOnlyList<string> labelNames)
    {
        JsonObject StringFeature() => new() { ["dtype"] = "string", ["_type"] = "Value" };
        var features = new JsonObject
        {
            ["id"] = StringFeature(),
            ["text"] = StringFeature(),
            ["label"] = new JsonObject { ["names"] = new JsonArray(labelNames.Select(n => (JsonNode)n!).ToArray()), ["_type"] = "ClassLabel" },
            ["source_id"] = StringFeature(),
        };
        return new JsonObject { ["info"] = new JsonObject { ["features"] = features } }.ToJsonString();
    }
}

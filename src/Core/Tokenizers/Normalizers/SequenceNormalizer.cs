using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>Applies normalizers one after another.</summary>
public sealed class SequenceNormalizer : INormalizer
{
    /// <summary>Creates the sequence.</summary>
    public SequenceNormalizer(IReadOnlyList<INormalizer> steps) => Steps = steps;

    /// <summary>The normalizers, in order.</summary>
    public IReadOnlyList<INormalizer> Steps { get; }

    /// <inheritdoc/>
    public string Normalize(string text)
    {
        foreach (var step in Steps) text = step.Normalize(text);
        return text;
    }

    /// <inheritdoc/>
    public void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "Sequence");
        writer.WriteStartArray("normalizers");
        foreach (var step in Steps) step.WriteJson(writer);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    internal static SequenceNormalizer FromJson(JsonElement element, TokenizerJsonReader reader, string where)
    {
        var steps = new List<INormalizer>();
        int index = 0;
        foreach (var item in reader.Array(element, "normalizers", where).EnumerateArray())
            steps.Add(NormalizerJson.Read(item, reader, $"{where}.normalizers[{index++}]"));
        return new SequenceNormalizer(steps);
    }
}

using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>Runs pre-tokenizers one after another, each on every piece the previous one produced.</summary>
public sealed class SequencePreTokenizer : IPreTokenizer
{
    /// <summary>Creates the sequence.</summary>
    public SequencePreTokenizer(IReadOnlyList<IPreTokenizer> steps) => Steps = steps;

    /// <summary>The pre-tokenizers, in order.</summary>
    public IReadOnlyList<IPreTokenizer> Steps { get; }

    /// <inheritdoc/>
    public void PreTokenize(PreToken piece, List<PreToken> output)
    {
        var current = new List<PreToken> { piece };
        var next = new List<PreToken>();
        foreach (var step in Steps)
        {
            next.Clear();
            foreach (var p in current) step.PreTokenize(p, next);
            (current, next) = (next, current);
        }
        output.AddRange(current);
    }

    /// <inheritdoc/>
    public void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "Sequence");
        writer.WriteStartArray("pretokenizers");
        foreach (var step in Steps) step.WriteJson(writer);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    internal static SequencePreTokenizer FromJson(JsonElement element, TokenizerJsonReader reader, string where)
    {
        var steps = new List<IPreTokenizer>();
        int index = 0;
        foreach (var item in reader.Array(element, "pretokenizers", where).EnumerateArray())
            steps.Add(PreTokenizerJson.Read(item, reader, $"{where}.pretokenizers[{index++}]"));
        return new SequencePreTokenizer(steps);
    }
}

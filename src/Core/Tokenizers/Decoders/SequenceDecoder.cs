using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>Chains decoders, each working on the previous one's output list.</summary>
public sealed class SequenceDecoder : IDecoder
{
    /// <summary>Creates the chain.</summary>
    public SequenceDecoder(IReadOnlyList<IDecoder> steps) => Steps = steps;

    /// <summary>The decoders, in order.</summary>
    public IReadOnlyList<IDecoder> Steps { get; }

    /// <inheritdoc/>
    public List<string> DecodeChain(List<string> tokens)
    {
        foreach (var step in Steps) tokens = step.DecodeChain(tokens);
        return tokens;
    }

    /// <inheritdoc/>
    public void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "Sequence");
        writer.WriteStartArray("decoders");
        foreach (var step in Steps) step.WriteJson(writer);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    internal static SequenceDecoder FromJson(JsonElement element, TokenizerJsonReader reader, string where)
    {
        var steps = new List<IDecoder>();
        int index = 0;
        foreach (var item in reader.Array(element, "decoders", where).EnumerateArray())
            steps.Add(DecoderJson.Read(item, reader, $"{where}.decoders[{index++}]"));
        return new SequenceDecoder(steps);
    }
}

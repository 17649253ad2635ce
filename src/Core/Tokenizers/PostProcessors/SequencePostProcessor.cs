using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>Applies post-processors one after another.</summary>
public sealed class SequencePostProcessor : IPostProcessor
{
    /// <summary>Creates the sequence.</summary>
    public SequencePostProcessor(IReadOnlyList<IPostProcessor> steps) => Steps = steps;

    /// <summary>The processors, in order.</summary>
    public IReadOnlyList<IPostProcessor> Steps { get; }

    /// <inheritdoc/>
    public List<int> Process(List<int> ids, bool addSpecialTokens)
    {
        foreach (var step in Steps) ids = step.Process(ids, addSpecialTokens);
        return ids;
    }

    /// <inheritdoc/>
    public (IReadOnlyList<int> Before, IReadOnlyList<int> After) SpecialTokensAround
    {
        get
        {
            var before = new List<int>();
            var after = new List<int>();
            foreach (var step in Steps)
            {
                var (b, a) = step.SpecialTokensAround;
                before.InsertRange(0, b);
                after.AddRange(a);
            }
            return (before, after);
        }
    }

    /// <inheritdoc/>
    public void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "Sequence");
        writer.WriteStartArray("processors");
        foreach (var step in Steps) step.WriteJson(writer);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    internal static SequencePostProcessor FromJson(JsonElement element, TokenizerJsonReader reader, string where)
    {
        var steps = new List<IPostProcessor>();
        int index = 0;
        foreach (var item in reader.Array(element, "processors", where).EnumerateArray())
            steps.Add(PostProcessorJson.Read(item, reader, $"{where}.processors[{index++}]"));
        return new SequencePostProcessor(steps);
    }
}

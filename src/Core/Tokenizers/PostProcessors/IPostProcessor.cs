using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>A tokenizer.json <c>post_processor</c>: adds special tokens (such as BOS) around the encoded ids.</summary>
public interface IPostProcessor
{
    /// <summary>The final ids for one sequence.</summary>
    /// <param name="ids">The model's ids for the text.</param>
    /// <param name="addSpecialTokens">Whether special tokens are wanted at all.</param>
    List<int> Process(List<int> ids, bool addSpecialTokens);

    /// <summary>The special token ids this processor puts before and after a single sequence.</summary>
    (IReadOnlyList<int> Before, IReadOnlyList<int> After) SpecialTokensAround { get; }

    /// <summary>Writes this component as tokenizer.json does.</summary>
    void WriteJson(Utf8JsonWriter writer);
}

/// <summary>Reads <c>post_processor</c> objects.</summary>
internal static class PostProcessorJson
{
    private static readonly string[] Supported = ["TemplateProcessing", "ByteLevel", "Sequence"];

    public static IPostProcessor Read(JsonElement element, TokenizerJsonReader reader, string where)
    {
        string type = reader.Type(element, where);
        return type switch
        {
            "TemplateProcessing" => TemplateProcessing.FromJson(element, reader, where),
            "ByteLevel" => new ByteLevelPostProcessor(
                reader.Bool(element, "add_prefix_space", where, true),
                reader.Bool(element, "trim_offsets", where, true),
                reader.Bool(element, "use_regex", where, true)),
            "Sequence" => SequencePostProcessor.FromJson(element, reader, where),
            _ => throw reader.Unsupported(where, "post-processor", type, Supported),
        };
    }
}

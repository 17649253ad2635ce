namespace TtLora.Core.Models;

/// <summary>Named Llama shapes for random checkpoints; vocab_size is replaced by the tokenizer's when one is given.</summary>
public static class ModelPresets
{
    public static IReadOnlyList<string> Names { get; } = ["tiny", "small"];

    public static LlamaConfig Get(string name) => name switch
    {
        // Small enough for unit tests, but with GQA, tied embeddings and llama3 rope scaling exercised.
        "tiny" => new LlamaConfig
        {
            VocabSize = 512, HiddenSize = 64, IntermediateSize = 172, NumHiddenLayers = 2, NumAttentionHeads = 4,
            NumKeyValueHeads = 2, HeadDim = 16, RmsNormEps = 1e-5, RopeTheta = 500000, MaxPositionEmbeddings = 2048,
            RopeScaling = new RopeScaling("llama3", 8, 1, 4, 256), TieWordEmbeddings = true,
            BosTokenId = 1, EosTokenIds = [2], PadTokenId = 2,
        },
        // A few million parameters: the size of the project's pretrained demo base.
        "small" => new LlamaConfig
        {
            VocabSize = 4096, HiddenSize = 256, IntermediateSize = 688, NumHiddenLayers = 4, NumAttentionHeads = 8,
            NumKeyValueHeads = 4, HeadDim = 32, RmsNormEps = 1e-5, RopeTheta = 10000, MaxPositionEmbeddings = 512,
            TieWordEmbeddings = true, BosTokenId = 1, EosTokenIds = [2], PadTokenId = 2,
        },
        _ => throw new TtLoraException($"--preset: expected one of {string.Join(", ", Names)}, got \"{name}\""),
    };
}

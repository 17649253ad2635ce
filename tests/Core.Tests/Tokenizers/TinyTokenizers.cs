using System.Text.Json;
using TtLora.Core.Tokenizers;

namespace TtLora.Core.Tests.Tokenizers;

/// <summary>Small hand-made tokenizer.json documents with known behaviour.</summary>
internal static class TinyTokenizers
{
    /// <summary>
    /// A byte-level BPE (ids 0-255 are the byte alphabet) with merges building "hello" and "Ġw",
    /// GPT-2 pre-tokenization and decoder, and the given added tokens / post-processor.
    /// </summary>
    public static string ByteLevelJson(bool mergesAsStrings = false, string addedTokens = "[]", string postProcessor = "null")
    {
        var vocab = new Dictionary<string, int>();
        foreach (char c in ByteLevelAlphabet.Characters) vocab[c.ToString()] = vocab.Count;
        (string, string)[] merges = [("h", "e"), ("l", "l"), ("he", "ll"), ("hell", "o"), ("Ġ", "w")];
        foreach (var (a, b) in merges) vocab[a + b] = vocab.Count;
        string mergesJson = mergesAsStrings
            ? JsonSerializer.Serialize(merges.Select(m => $"{m.Item1} {m.Item2}"))
            : JsonSerializer.Serialize(merges.Select(m => new[] { m.Item1, m.Item2 }));
        return $$"""
        {
          "version": "1.0", "truncation": null, "padding": null,
          "added_tokens": {{addedTokens}},
          "normalizer": null,
          "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true},
          "post_processor": {{postProcessor}},
          "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true},
          "model": {"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null,
                    "end_of_word_suffix": null, "fuse_unk": false, "byte_fallback": false, "ignore_merges": false,
                    "vocab": {{JsonSerializer.Serialize(vocab)}}, "merges": {{mergesJson}}}
        }
        """;
    }

    /// <summary>
    /// A SentencePiece-style BPE over "▁ a b c" with merges "▁a" and "▁b", the byte tokens for "é"
    /// only, and the given normalizer, pre-tokenizer, decoder and model flags.
    /// </summary>
    public static string MetaspaceJson(
        string preTokenizer = "null",
        string normalizer = "null",
        string decoder = "null",
        string addedTokens = "[]",
        bool byteFallback = true,
        bool fuseUnk = true)
    {
        var vocab = new Dictionary<string, int> { ["<unk>"] = 0, ["<s>"] = 1, ["</s>"] = 2, ["<0xC3>"] = 3, ["<0xA9>"] = 4, ["▁"] = 5, ["a"] = 6, ["b"] = 7, ["c"] = 8, ["▁a"] = 9, ["▁b"] = 10 };
        return $$"""
        {
          "version": "1.0", "truncation": null, "padding": null,
          "added_tokens": {{addedTokens}},
          "normalizer": {{normalizer}},
          "pre_tokenizer": {{preTokenizer}},
          "post_processor": null,
          "decoder": {{decoder}},
          "model": {"type": "BPE", "dropout": null, "unk_token": "<unk>", "continuing_subword_prefix": null,
                    "end_of_word_suffix": null, "fuse_unk": {{(fuseUnk ? "true" : "false")}}, "byte_fallback": {{(byteFallback ? "true" : "false")}},
                    "vocab": {{JsonSerializer.Serialize(vocab)}}, "merges": [["▁", "a"], ["▁", "b"]]}
        }
        """;
    }

    public static HfTokenizer Load(TempFolder folder, string json, string name = "tokenizer.json") =>
        HfTokenizer.FromFile(folder.Write(name, json));
}

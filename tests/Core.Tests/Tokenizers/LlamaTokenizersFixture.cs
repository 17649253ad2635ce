using System.Text.Json.Nodes;
using TtLora.Core.Tokenizers;

namespace TtLora.Core.Tests.Tokenizers;

/// <summary>
/// The two real Llama tokenizers and Hugging Face's encodings of the fixture texts, computed once
/// per test run. Failures (no node/npm, no network) surface in the tests that use them.
/// </summary>
public sealed class LlamaTokenizersFixture
{
    private readonly Lazy<Loaded> _llama3 = new(() => Load(ReferencePackages.Llama3));
    private readonly Lazy<Loaded> _llama2 = new(() => Load(ReferencePackages.Llama2));
    private readonly Lazy<Loaded> _llama3WithBos = new(LoadLlama3WithBosTemplate);

    internal sealed record Loaded(string TokenizerJsonPath, HfTokenizer Tokenizer, IReadOnlyList<HfReferenceResult> Reference);

    internal Loaded Llama3 => _llama3.Value;
    internal Loaded Llama2 => _llama2.Value;

    /// <summary>
    /// The Llama-3 tokenizer with the post-processor later Llama-3 releases ship
    /// (Sequence[ByteLevel, TemplateProcessing adding &lt;|begin_of_text|&gt;]); the npm copy only has ByteLevel.
    /// </summary>
    internal Loaded Llama3WithBos => _llama3WithBos.Value;

    private static Loaded Load(string spec)
    {
        string path = Path.Combine(ReferencePackages.PackageDirectory(spec), "models", "tokenizer.json");
        return new Loaded(path, HfTokenizer.FromFile(path), HfReference.Encode(path, TokenizerFixtureTexts.All));
    }

    private static Loaded LoadLlama3WithBosTemplate()
    {
        string original = Path.Combine(ReferencePackages.PackageDirectory(ReferencePackages.Llama3), "models", "tokenizer.json");
        var root = JsonNode.Parse(File.ReadAllText(original))!.AsObject();
        root["post_processor"] = JsonNode.Parse("""
            {"type": "Sequence", "processors": [
              {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true},
              {"type": "TemplateProcessing",
               "single": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
               "pair": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                        {"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
               "special_tokens": {"<|begin_of_text|>": {"id": "<|begin_of_text|>", "ids": [128000], "tokens": ["<|begin_of_text|>"]}}}]}
            """);
        // Kept under the cache (not a temp folder) so the file outlives this method; written atomically.
        string folder = Path.Combine(ReferencePackages.CacheRoot, "derived", "llama3-bos-template");
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, "tokenizer.json");
        string temp = Path.Combine(folder, $".tokenizer.json.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(temp, root.ToJsonString());
        File.Move(temp, path, overwrite: true);
        return new Loaded(path, HfTokenizer.FromFile(path), HfReference.Encode(path, TokenizerFixtureTexts.All));
    }
}

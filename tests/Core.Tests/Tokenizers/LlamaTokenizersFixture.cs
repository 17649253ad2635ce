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

    internal sealed record Loaded(string TokenizerJsonPath, HfTokenizer Tokenizer, IReadOnlyList<HfReferenceResult> Reference);

    internal Loaded Llama3 => _llama3.Value;
    internal Loaded Llama2 => _llama2.Value;

    private static Loaded Load(string spec)
    {
        string path = Path.Combine(ReferencePackages.PackageDirectory(spec), "models", "tokenizer.json");
        return new Loaded(path, HfTokenizer.FromFile(path), HfReference.Encode(path, TokenizerFixtureTexts.All));
    }
}

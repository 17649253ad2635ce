using TtLora.Core.Tokenizers;

namespace TtLora.Core.Tests.Tokenizers;

/// <summary>
/// Component behaviour on tiny tokenizers, with expected ids worked out by hand from Hugging Face's
/// rules (tiny vocabulary: &lt;unk&gt;=0 &lt;s&gt;=1 &lt;/s&gt;=2 &lt;0xC3&gt;=3 &lt;0xA9&gt;=4 ▁=5 a=6 b=7 c=8 ▁a=9 ▁b=10).
/// </summary>
public sealed class HfTokenizerComponentTests
{
    private const string MetaspaceDecoder = """{"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": true}""";
    private const string LlamaDecoder = """
        {"type": "Sequence", "decoders": [
          {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
          {"type": "ByteFallback"}, {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]}
        """;

    private static string Metaspace(string scheme, bool split = true) =>
        $$"""{"type": "Metaspace", "replacement": "▁", "prepend_scheme": "{{scheme}}", "split": {{(split ? "true" : "false")}}}""";

    private static string Added(int id, string content, bool special = false, bool lstrip = false, bool rstrip = false, bool singleWord = false, bool normalized = false) =>
        $$"""{"id": {{id}}, "content": "{{content}}", "single_word": {{Json(singleWord)}}, "lstrip": {{Json(lstrip)}}, "rstrip": {{Json(rstrip)}}, "normalized": {{Json(normalized)}}, "special": {{Json(special)}}}""";

    private static string Json(bool value) => value ? "true" : "false";

    [Theory]
    [InlineData("always", "a b", new[] { 9, 10 })]
    [InlineData("always", " a", new[] { 9 })]
    [InlineData("always", "ab", new[] { 9, 7 })]
    [InlineData("never", "a b", new[] { 6, 10 })]
    [InlineData("first", "a b", new[] { 9, 10 })]
    [InlineData("first", "<s>a b", new[] { 1, 6, 10 })]
    [InlineData("always", "<s>a b", new[] { 1, 9, 10 })]
    public void Metaspace_PrependSchemes(string scheme, string text, int[] expected)
    {
        using var folder = new TempFolder();
        var tokenizer = TinyTokenizers.Load(folder, TinyTokenizers.MetaspaceJson(
            preTokenizer: Metaspace(scheme), addedTokens: $"[{Added(1, "<s>", special: true)}]"));
        Assert.Equal(expected, tokenizer.Encode(text).Ids);
    }

    [Fact]
    public void MetaspaceDecoder_DropsTheFirstReplacementOnly()
    {
        using var folder = new TempFolder();
        var tokenizer = TinyTokenizers.Load(folder, TinyTokenizers.MetaspaceJson(preTokenizer: Metaspace("always"), decoder: MetaspaceDecoder));
        Assert.Equal("a b", tokenizer.Decode([9, 10]));
        Assert.Equal("ab b", tokenizer.Decode([9, 7, 10]));
    }

    [Fact]
    public void ByteFallback_EncodesUnknownCharactersAsBytesAndDecodesThemBack()
    {
        using var folder = new TempFolder();
        var tokenizer = TinyTokenizers.Load(folder, TinyTokenizers.MetaspaceJson(preTokenizer: Metaspace("always"), decoder: LlamaDecoder));
        var encoding = tokenizer.Encode("c é");
        Assert.Equal([5, 8, 5, 3, 4], encoding.Ids);
        Assert.Equal(["▁", "c", "▁", "<0xC3>", "<0xA9>"], encoding.Tokens);
        Assert.Equal("c é", tokenizer.Decode(encoding.Ids));
        // A lone continuation byte is not UTF-8: one U+FFFD per byte.
        Assert.Equal("c\uFFFD\uFFFD", tokenizer.Decode([8, 4, 4]));
    }

    [Theory]
    [InlineData(true, new[] { 0, 7 })]
    [InlineData(false, new[] { 0, 0, 0, 7 })]
    public void UnknownCharacters_AreFusedOnlyWhenAsked(bool fuseUnk, int[] expected)
    {
        using var folder = new TempFolder();
        var tokenizer = TinyTokenizers.Load(folder, TinyTokenizers.MetaspaceJson(byteFallback: false, fuseUnk: fuseUnk));
        Assert.Equal(expected, tokenizer.Encode("xyzb").Ids);
    }

    [Fact]
    public void ByteFallbackWithoutTheByteTokens_FallsBackToUnk()
    {
        using var folder = new TempFolder();
        var tokenizer = TinyTokenizers.Load(folder, TinyTokenizers.MetaspaceJson(byteFallback: true));
        // x has no byte token: it becomes <unk>, which Hugging Face emits lazily, after the bytes of é.
        Assert.Equal([6, 3, 4, 0], tokenizer.Encode("axé").Ids);
    }

    [Fact]
    public void AddedToken_LStripSwallowsWhitespaceOnItsLeft()
    {
        using var folder = new TempFolder();
        var withStrip = TinyTokenizers.Load(folder, TinyTokenizers.MetaspaceJson(
            preTokenizer: Metaspace("always"), addedTokens: $"[{Added(11, "<mask>", special: true, lstrip: true)}]"), "a.json");
        var without = TinyTokenizers.Load(folder, TinyTokenizers.MetaspaceJson(
            preTokenizer: Metaspace("always"), addedTokens: $"[{Added(11, "<mask>", special: true)}]"), "b.json");
        Assert.Equal([9, 11, 10], withStrip.Encode("a <mask> b").Ids);
        Assert.Equal([9, 5, 11, 10], without.Encode("a <mask> b").Ids);
    }

    [Fact]
    public void AddedToken_RStripSwallowsWhitespaceOnItsRight()
    {
        using var folder = new TempFolder();
        var tokenizer = TinyTokenizers.Load(folder, TinyTokenizers.MetaspaceJson(
            preTokenizer: Metaspace("always"), addedTokens: $"[{Added(12, "<r>", rstrip: true)}]"));
        Assert.Equal([9, 12, 10], tokenizer.Encode("a<r>  b").Ids);
    }

    [Fact]
    public void AddedToken_SingleWordIsNotMatchedInsideWords()
    {
        using var folder = new TempFolder();
        var tokenizer = TinyTokenizers.Load(folder, TinyTokenizers.MetaspaceJson(
            preTokenizer: Metaspace("always"), addedTokens: $"[{Added(13, "ab", singleWord: true)}]"));
        Assert.Equal([13, 5, 8, 6, 7, 5, 13, 5, 0], tokenizer.Encode("ab cab ab.").Ids);
    }

    [Fact]
    public void AddedToken_NormalizedIsMatchedInNormalizedText()
    {
        using var folder = new TempFolder();
        var tokenizer = TinyTokenizers.Load(folder, TinyTokenizers.MetaspaceJson(
            preTokenizer: Metaspace("always"), normalizer: """{"type": "Lowercase"}""",
            addedTokens: $"[{Added(14, "HEY", normalized: true)}]"));
        var encoding = tokenizer.Encode("a HEY b");
        Assert.Equal([9, 5, 14, 10], encoding.Ids);
        Assert.Equal(["▁a", "▁", "HEY", "▁b"], encoding.Tokens);
        Assert.Equal(12, tokenizer.VocabSize); // 11 model tokens + 1 added token

    }

    [Fact]
    public void SkipSpecialTokens_DropsOnlySpecialAddedTokens()
    {
        using var folder = new TempFolder();
        var tokenizer = TinyTokenizers.Load(folder, TinyTokenizers.MetaspaceJson(
            preTokenizer: Metaspace("always"), decoder: MetaspaceDecoder,
            addedTokens: $"[{Added(1, "<s>", special: true)}, {Added(12, "<r>")}]"));
        var ids = tokenizer.Encode("<s>a<r>b").Ids;
        Assert.Equal([1, 9, 12, 10], ids);
        // Metaspace drops "▁" only in the first token, which here is <s>.
        Assert.Equal("<s> a<r> b", tokenizer.Decode(ids));
        Assert.Equal("a<r> b", tokenizer.Decode(ids, skipSpecialTokens: true));
    }

    [Fact]
    public void NoDecoder_JoinsTokensWithSpaces()
    {
        using var folder = new TempFolder();
        var tokenizer = TinyTokenizers.Load(folder, TinyTokenizers.MetaspaceJson());
        Assert.Equal("▁a b c", tokenizer.Decode([9, 7, 8]));
    }

    [Fact]
    public void MergesAsStringsAndAsPairs_EncodeTheSame()
    {
        using var folder = new TempFolder();
        var pairs = TinyTokenizers.Load(folder, TinyTokenizers.ByteLevelJson(mergesAsStrings: false), "pairs.json");
        var strings = TinyTokenizers.Load(folder, TinyTokenizers.ByteLevelJson(mergesAsStrings: true), "strings.json");
        var expected = pairs.Encode("hello world, hello!");
        Assert.Equal(["hello", "Ġw", "o", "r", "l", "d", ",", "Ġ", "hello", "!"], expected.Tokens);
        Assert.Equal(expected.Ids, strings.Encode("hello world, hello!").Ids);
    }

    [Fact]
    public void TemplateProcessing_AddsBosOnlyWithSpecialTokens()
    {
        using var folder = new TempFolder();
        const string template = """
            {"type": "TemplateProcessing",
             "single": [{"SpecialToken": {"id": "<bos>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "<eos>", "type_id": 0}}],
             "pair": [],
             "special_tokens": {"<bos>": {"id": "<bos>", "ids": [300], "tokens": ["<bos>"]}, "<eos>": {"id": "<eos>", "ids": [301], "tokens": ["<eos>"]}}}
            """;
        var tokenizer = TinyTokenizers.Load(folder, TinyTokenizers.ByteLevelJson(
            addedTokens: $"[{Added(300, "<bos>", special: true)}, {Added(301, "<eos>", special: true)}]", postProcessor: template));
        Assert.Equal([300, 259, 301], tokenizer.Encode("hello").Ids); // "hello" is the 4th merge after the 256 bytes
        Assert.Equal([259], tokenizer.Encode("hello", addSpecialTokens: false).Ids);
        Assert.Equal(300, tokenizer.BosId);
        Assert.Equal(301, tokenizer.EosId);
        Assert.Equal("hello", tokenizer.Decode([300, 259, 301], skipSpecialTokens: true));
    }
}

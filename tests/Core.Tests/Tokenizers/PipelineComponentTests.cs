using System.Text;
using TtLora.Core.Tokenizers;

namespace TtLora.Core.Tests.Tokenizers;

/// <summary>Normalizers, pre-tokenizers and decoders on their own, with Hugging Face's documented results.</summary>
public sealed class PipelineComponentTests
{
    private static List<string> PreTokenize(IPreTokenizer preTokenizer, string text)
    {
        var output = new List<PreToken>();
        preTokenizer.PreTokenize(new PreToken(text, AtTextStart: true), output);
        return output.ConvertAll(p => p.Text);
    }

    [Theory]
    [InlineData(SplitDelimiterBehavior.Removed, new[] { "How", "are", "you", "doing", "?" })]
    [InlineData(SplitDelimiterBehavior.Isolated, new[] { "How", " ", "are", " ", "you", " ", "doing", "?" })]
    [InlineData(SplitDelimiterBehavior.MergedWithPrevious, new[] { "How ", "are ", "you ", "doing", "?" })]
    [InlineData(SplitDelimiterBehavior.MergedWithNext, new[] { "How", " are", " you", " doing", "?" })]
    [InlineData(SplitDelimiterBehavior.Contiguous, new[] { "How", " ", "are", " ", "you", " ", "doing?" })]
    public void Split_InvertedWordRegex_FollowsEachBehavior(SplitDelimiterBehavior behavior, string[] expected)
    {
        var split = new SplitPreTokenizer(TextPattern.Regex(@"\w+|[^\w\s]+"), behavior, invert: true);
        Assert.Equal(expected, PreTokenize(split, "How are you doing?"));
    }

    [Fact]
    public void Split_LiteralAndInvertedLiteral_Agree()
    {
        var onSpace = new SplitPreTokenizer(TextPattern.Literal(" "), SplitDelimiterBehavior.Removed);
        var keepHello = new SplitPreTokenizer(TextPattern.Literal("Hello"), SplitDelimiterBehavior.Removed, invert: true);
        Assert.Equal(["Hello", "Hello", "Hello"], PreTokenize(onSpace, "Hello Hello Hello"));
        Assert.Equal(["Hello", "Hello", "Hello"], PreTokenize(keepHello, "Hello Hello Hello"));
    }

    [Fact]
    public void WhitespaceSplitThenDigits_SeparateWordsAndNumbers()
    {
        var individual = new SequencePreTokenizer([new WhitespaceSplitPreTokenizer(), new DigitsPreTokenizer(individualDigits: true)]);
        var runs = new SequencePreTokenizer([new WhitespaceSplitPreTokenizer(), new DigitsPreTokenizer(individualDigits: false)]);
        Assert.Equal(["Call", "1", "2", "3", "x", "4", "5"], PreTokenize(individual, " Call\t123x45 "));
        Assert.Equal(["Call", "123", "x", "45"], PreTokenize(runs, " Call\t123x45 "));
    }

    [Fact]
    public void Metaspace_SplitFalseKeepsOnePiece()
    {
        Assert.Equal(["▁a▁b"], PreTokenize(new MetaspacePreTokenizer(split: false), "a b"));
        Assert.Equal(["▁a", "▁b"], PreTokenize(new MetaspacePreTokenizer(split: true), "a b"));
        Assert.Equal(["a", "▁b"], PreTokenize(new MetaspacePreTokenizer(prependScheme: PrependScheme.Never), "a b"));
    }

    [Fact]
    public void Metaspace_SplitMattersWhenMergesCrossTheReplacement()
    {
        // With "a▁" mergeable, the unsplit word merges across the word boundary.
        var vocab = new Dictionary<string, int> { ["▁"] = 0, ["a"] = 1, ["b"] = 2, ["a▁"] = 3, ["▁a"] = 4, ["▁b"] = 5 };
        (string, string)[] merges = [("a", "▁"), ("▁", "a"), ("▁", "b")];
        var split = new HfTokenizer(new BpeModel(vocab, merges), preTokenizer: new MetaspacePreTokenizer(split: true));
        var whole = new HfTokenizer(new BpeModel(vocab, merges), preTokenizer: new MetaspacePreTokenizer(split: false));
        Assert.Equal(["▁a", "▁b"], split.Encode("a b").Tokens);
        Assert.Equal(["▁", "a▁", "b"], whole.Encode("a b").Tokens);
    }

    [Fact]
    public void ByteLevelPreTokenizer_AddsPrefixSpaceAndMapsBytes()
    {
        // "ö" is the two bytes C3 B6, shown as "Ã¶".
        Assert.Equal(["Ġhello", "ĠwÃ¶rld"], PreTokenize(new ByteLevelPreTokenizer(addPrefixSpace: true), "hello wörld"));
        Assert.Equal(["ĠĠhiĉ"], PreTokenize(new ByteLevelPreTokenizer(addPrefixSpace: false, useRegex: false), "  hi\t"));
    }

    [Fact]
    public void Normalizers_ComposeInOrder()
    {
        var normalizer = new SequenceNormalizer([
            new UnicodeFormNormalizer(NormalizationForm.FormKC),
            new StripNormalizer(stripLeft: true, stripRight: false),
            new LowercaseNormalizer(),
            new ReplaceNormalizer(TextPattern.Regex(@"\s+"), " "),
            new PrependNormalizer("▁"),
        ]);
        // NFKC turns the ligature into "fi" and the no-break space into a space; İ lowercases to i + U+0307.
        Assert.Equal("▁fi→fi i\u0307stanbul end ", normalizer.Normalize("  \uFB01→FI \u0130stanbul \t\n END\u00A0"));
        Assert.Equal("", normalizer.Normalize("   "));
    }

    [Fact]
    public void UnicodeNormalizer_KeepsUnpairedSurrogatesAndNormalizesAroundThem() =>
        Assert.Equal("\u00E9\uD800\u00E9", new UnicodeFormNormalizer(NormalizationForm.FormC).Normalize("e\u0301\uD800e\u0301"));

    [Fact]
    public void StripDecoder_RemovesAtMostTheGivenCounts()
    {
        var strip = new StripDecoder(" ", start: 1, stop: 2);
        Assert.Equal([" a ", "b", ""], strip.DecodeChain(["  a   ", " b", " "]));
    }

    [Fact]
    public void ByteLevelDecoder_UsesRawTextForTokensOutsideTheAlphabet()
    {
        var decoder = new ByteLevelDecoder();
        Assert.Equal(["Hello world<|x|>é"], decoder.DecodeChain(["Hello", "Ġworld", "<|x|>", "Ã©"]));
        Assert.Equal(["a€"], decoder.DecodeChain(["a", "€"]));
        Assert.Equal(["\uFFFD"], decoder.DecodeChain(["Ã"]));
    }
}

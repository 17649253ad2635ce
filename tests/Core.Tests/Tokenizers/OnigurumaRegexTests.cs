using TtLora.Core.Tokenizers;

namespace TtLora.Core.Tests.Tokenizers;

/// <summary>Oniguruma patterns must match on .NET exactly as they do in Hugging Face's tokenizers.</summary>
public sealed class OnigurumaRegexTests
{
    [Theory]
    [InlineData(@"a?+b", @"(?>a?)b")]
    [InlineData(@"[^\r\n\p{L}\p{N}]?+\p{L}++", @"(?>[^\r\n\p{L}\p{N}]?)(?>\p{L}+)")]
    [InlineData(@"(ab)*+c", @"(?>(ab)*)c")]
    [InlineData(@"\p{N}{1,3}+", @"(?:\p{N}{1,3})+")]
    [InlineData(@"x{2}?", @"(?:x{2})?")]
    [InlineData(@"x{2,}?", @"x{2,}?")]
    [InlineData(@"x{,3}", @"x{0,3}")]
    [InlineData(@"\x{41}\x{2581}", @"\u0041\u2581")]
    [InlineData(@"^a|b$", @"(?m:^)a|b(?m:$)")]
    [InlineData(@"(?i:'s|'t)", @"(?i:'s|'t)")]
    [InlineData(@"(?m).", @"(?s).")]
    [InlineData(@"a{x}", @"a\{x}")]
    public void Translate_RewritesOnigurumaOnlySyntax(string onig, string dotNet) =>
        Assert.Equal(dotNet, OnigurumaRegex.Translate(onig));

    [Theory]
    [InlineData(@"[a&&b]", "intersection")]
    [InlineData(@"[a[b]]", "nested character classes")]
    [InlineData(@"(ab", "unbalanced '('")]
    [InlineData(@"\x{1F600}", "Basic Multilingual Plane")]
    public void Translate_RejectsWhatItCannotExpress(string onig, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => OnigurumaRegex.Translate(onig));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void PossessiveQuantifiers_DoNotGiveBack()
    {
        Assert.Empty(new OnigurumaRegex("a++a").Matches("aaaa"));
        Assert.Equal([(0, 4)], new OnigurumaRegex("a+a").Matches("aaaa"));
    }

    [Fact]
    public void Classes_SeeCharactersOutsideTheBmpAsSingleCharacters()
    {
        // 𝐀 and 𝐁 are letters (two UTF-16 units each), 😀 is a symbol.
        var regex = new OnigurumaRegex(@"[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+");
        Assert.Equal([(0, 5), (5, 9)], regex.Matches("𝐀𝐁c😀xy"));
        Assert.Equal([(0, 2), (2, 3)], new OnigurumaRegex(".").Matches("😀a"));
    }

    [Fact]
    public void LineAnchors_WorkPerLine() =>
        Assert.Equal([(2, 3)], new OnigurumaRegex("^a").Matches("b\na"));
}

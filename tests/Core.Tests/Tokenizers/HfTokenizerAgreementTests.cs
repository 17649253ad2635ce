using System.Text;
using TtLora.Core.Tokenizers;

namespace TtLora.Core.Tests.Tokenizers;

/// <summary>Ids, tokens and decodes must equal Hugging Face's on the real Llama-3 and Llama-2 tokenizers.</summary>
public sealed class HfTokenizerAgreementTests(LlamaTokenizersFixture fixture) : IClassFixture<LlamaTokenizersFixture>
{
    [Fact]
    public void Llama3_EncodesAndDecodesExactlyLikeHuggingFace() => AssertAgreement(fixture.Llama3);

    [Fact]
    public void Llama2_EncodesAndDecodesExactlyLikeHuggingFace() => AssertAgreement(fixture.Llama2);

    [Fact]
    public void Llama3WithBosTemplate_EncodesAndDecodesExactlyLikeHuggingFace()
    {
        AssertAgreement(fixture.Llama3WithBos);
        var tokenizer = fixture.Llama3WithBos.Tokenizer;
        Assert.Equal([128000, 9906, 1917], tokenizer.Encode("Hello world").Ids);
        Assert.Equal("Hello world", tokenizer.Decode([128000, 9906, 1917], skipSpecialTokens: true));
        Assert.Equal(128000, tokenizer.BosId);
    }

    [Fact]
    public void Llama3_ReportsVocabularyAndSpecialIds()
    {
        var tokenizer = fixture.Llama3.Tokenizer;
        Assert.Equal(128256, tokenizer.VocabSize);
        Assert.Equal(128000, tokenizer.BosId);
        Assert.Equal(128001, tokenizer.EosId);
        Assert.Null(tokenizer.UnkId);
        Assert.Equal(128009, tokenizer.TokenToId("<|eot_id|>"));
        Assert.Equal("<|eot_id|>", tokenizer.IdToToken(128009));
        Assert.Equal("Ġworld", tokenizer.IdToToken(1917));
        Assert.Null(tokenizer.IdToToken(128256));
        Assert.Null(tokenizer.TokenToId("no such token"));
    }

    [Fact]
    public void Llama2_ReportsVocabularyAndSpecialIds()
    {
        var tokenizer = fixture.Llama2.Tokenizer;
        Assert.Equal(32000, tokenizer.VocabSize);
        Assert.Equal(1, tokenizer.BosId);
        Assert.Equal(2, tokenizer.EosId);
        Assert.Equal(0, tokenizer.UnkId);
        Assert.Equal("<0x0A>", tokenizer.IdToToken(tokenizer.TokenToId("<0x0A>")!.Value));
    }

    [Fact]
    public void Decode_SkipsIdsOutsideTheVocabulary()
    {
        var tokenizer = fixture.Llama3.Tokenizer;
        var ids = tokenizer.Encode("Hello world", addSpecialTokens: false).Ids.ToList();
        ids.Insert(1, 999_999);
        ids.Insert(0, -5);
        Assert.Equal("Hello world", tokenizer.Decode(ids));
    }

    private static void AssertAgreement(LlamaTokenizersFixture.Loaded loaded)
    {
        var mismatches = new List<string>();
        foreach (var expected in loaded.Reference)
        {
            var withSpecial = loaded.Tokenizer.Encode(expected.Text);
            var plain = loaded.Tokenizer.Encode(expected.Text, addSpecialTokens: false);
            Compare("ids", expected.Ids, withSpecial.Ids);
            Compare("tokens", expected.Tokens, withSpecial.Tokens);
            Compare("plain ids", expected.PlainIds, plain.Ids);
            Compare("plain tokens", expected.PlainTokens, plain.Tokens);
            Compare("decode", [expected.Decoded], [loaded.Tokenizer.Decode(withSpecial.Ids)]);
            Compare("decode skipping special", [expected.DecodedSkipSpecial], [loaded.Tokenizer.Decode(withSpecial.Ids, skipSpecialTokens: true)]);

            void Compare<T>(string what, IReadOnlyList<T> want, IReadOnlyList<T> got)
            {
                if (!want.SequenceEqual(got))
                    mismatches.Add($"{Show(expected.Text)} {what}:\n    expected [{string.Join(", ", want.Select(Show))}]\n    actual   [{string.Join(", ", got.Select(Show))}]");
            }
        }
        Assert.True(loaded.Reference.Count >= 60, $"only {loaded.Reference.Count} fixture texts");
        Assert.True(mismatches.Count == 0,
            $"{mismatches.Count} mismatches with Hugging Face for {loaded.TokenizerJsonPath}:\n" + string.Join("\n", mismatches.Take(15)));
    }

    // Quoted, shortened, with control characters escaped so mismatches stay readable.
    private static string Show<T>(T value)
    {
        string text = value?.ToString() ?? "null";
        if (text.Length > 80) text = text[..80] + "...";
        var builder = new StringBuilder("\"");
        foreach (char c in text) builder.Append(char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString());
        return builder.Append('"').ToString();
    }
}

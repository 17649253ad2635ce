using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace TtLora.Core.Tests.Tokenizers;

/// <summary>Encoding a few hundred KB must take well under a second or two; the rate is logged.</summary>
public sealed class HfTokenizerThroughputTests(LlamaTokenizersFixture fixture, ITestOutputHelper output) : IClassFixture<LlamaTokenizersFixture>
{
    private static readonly string LargeText = BuildLargeText(400_000);

    [Fact]
    public void LoadingTheRealTokenizers_TakesAtMostAFewSeconds()
    {
        foreach (var path in new[] { fixture.Llama3.TokenizerJsonPath, fixture.Llama2.TokenizerJsonPath })
        {
            var watch = Stopwatch.StartNew();
            var tokenizer = TtLora.Core.Tokenizers.HfTokenizer.FromFile(path);
            watch.Stop();
            output.WriteLine($"{Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(path))))}: loaded {tokenizer.VocabSize} tokens in {watch.ElapsedMilliseconds} ms");
            Assert.True(watch.Elapsed.TotalSeconds < 10, $"loading {path} took {watch.Elapsed.TotalSeconds:F1} s");
        }
    }

    [Fact]
    public void Llama3_EncodesLargeTextQuicklyAndLosslessly()
    {
        var tokenizer = fixture.Llama3.Tokenizer;
        var ids = Measure("Llama-3", () => tokenizer.Encode(LargeText, addSpecialTokens: false).Ids);
        Assert.Equal(LargeText, tokenizer.Decode(ids));
    }

    [Fact]
    public void Llama2_EncodesLargeTextQuickly()
    {
        var tokenizer = fixture.Llama2.Tokenizer;
        var ids = Measure("Llama-2", () => tokenizer.Encode(LargeText, addSpecialTokens: false).Ids);
        Assert.Equal(LargeText, tokenizer.Decode(ids));
    }

    private IReadOnlyList<int> Measure(string name, Func<IReadOnlyList<int>> encode)
    {
        encode(); // warm up caches and the compiled regex
        var watch = Stopwatch.StartNew();
        var ids = encode();
        watch.Stop();
        double seconds = watch.Elapsed.TotalSeconds;
        output.WriteLine($"{name}: {LargeText.Length / 1000} K chars -> {ids.Count} tokens in {seconds * 1000:F0} ms = {ids.Count / seconds:N0} tokens/s");
        Assert.True(seconds < 5, $"{name} took {seconds:F1} s for {LargeText.Length} characters");
        return ids;
    }

    // The fixture texts without the special-token strings (those do not round-trip through decode).
    private static string BuildLargeText(int length)
    {
        var pieces = TokenizerFixtureTexts.All.Where(t => !t.Contains('<') && !t.Contains('\uD800')).ToList();
        var builder = new StringBuilder(length + 4096);
        for (int i = 0; builder.Length < length; i++) builder.Append(pieces[i % pieces.Count]).Append(' ');
        return builder.ToString();
    }
}

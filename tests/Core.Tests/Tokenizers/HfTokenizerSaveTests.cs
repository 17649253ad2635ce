using System.Text.Json;
using TtLora.Core.Tokenizers;

namespace TtLora.Core.Tests.Tokenizers;

/// <summary>Saved tokenizer.json files load back (here and in Hugging Face's code) with identical encodings.</summary>
public sealed class HfTokenizerSaveTests(LlamaTokenizersFixture fixture) : IClassFixture<LlamaTokenizersFixture>
{
    [Fact]
    public void Llama3_SaveLoadRoundTripKeepsEncodingsAndHuggingFaceReadsTheFile() => AssertRoundTrip(fixture.Llama3);

    [Fact]
    public void Llama2_SaveLoadRoundTripKeepsEncodingsAndHuggingFaceReadsTheFile() => AssertRoundTrip(fixture.Llama2);

    private static void AssertRoundTrip(LlamaTokenizersFixture.Loaded loaded)
    {
        using var folder = new TempFolder();
        string first = folder.File("first.json");
        string second = folder.File("second.json");
        loaded.Tokenizer.Save(first);
        var reloaded = HfTokenizer.FromFile(first);
        reloaded.Save(second);
        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
        Assert.Equal(loaded.Tokenizer.VocabSize, reloaded.VocabSize);

        // Hugging Face's implementation on our file must give what it gave on the original.
        var reference = HfReference.Encode(first, TokenizerFixtureTexts.All);
        for (int i = 0; i < reference.Count; i++)
        {
            Assert.Equal(loaded.Reference[i].Ids, reference[i].Ids);
            Assert.Equal(loaded.Reference[i].Decoded, reference[i].Decoded);
            Assert.Equal(reference[i].Ids, reloaded.Encode(reference[i].Text).Ids);
        }
    }

    [Fact]
    public void Save_KeepsTheMergeFormatOfTheLoadedFile()
    {
        using var folder = new TempFolder();
        foreach (bool asStrings in new[] { true, false })
        {
            string path = folder.Write("in.json", TinyTokenizers.ByteLevelJson(mergesAsStrings: asStrings));
            string saved = folder.File("out.json");
            HfTokenizer.FromFile(path).Save(saved);
            using var document = JsonDocument.Parse(File.ReadAllText(saved));
            var firstMerge = document.RootElement.GetProperty("model").GetProperty("merges")[0];
            Assert.Equal(asStrings ? JsonValueKind.String : JsonValueKind.Array, firstMerge.ValueKind);
        }
    }

    [Fact]
    public void TokenizerBuiltFromComponents_SavesAndLoadsBack()
    {
        // What a freshly trained byte-level BPE looks like: bytes, a few merges, BOS template.
        var vocab = new Dictionary<string, int>();
        foreach (char c in ByteLevelAlphabet.Characters) vocab[c.ToString()] = vocab.Count;
        (string, string)[] merges = [("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("Ġ", "Ġ")];
        foreach (var (a, b) in merges) vocab[a + b] = vocab.Count;
        int bos = vocab.Count;
        var tokenizer = new HfTokenizer(
            new BpeModel(vocab, merges, ignoreMerges: true),
            [new AddedToken(bos, "<|bos|>", Special: true)],
            preTokenizer: new SequencePreTokenizer([
                new SplitPreTokenizer(TextPattern.Regex(@"'s|'t| ?\p{L}++| ?\p{N}{1,3}| ?[^\s\p{L}\p{N}]++|\s+(?!\S)|\s+"), SplitDelimiterBehavior.Isolated),
                new ByteLevelPreTokenizer(addPrefixSpace: false, useRegex: false)]),
            postProcessor: TemplateProcessing.BosOnly("<|bos|>", bos),
            decoder: new ByteLevelDecoder());

        using var folder = new TempFolder();
        string path = folder.File("tokenizer.json");
        tokenizer.Save(path);
        Assert.False(Directory.EnumerateFiles(folder.Path, "*.tmp").Any());
        var loaded = HfTokenizer.FromPath(folder.Path);

        const string text = "the cat saw the  other cat's 12345 hats!";
        var expected = tokenizer.Encode(text);
        Assert.Equal(bos, expected.Ids[0]);
        Assert.Equal(
            ["<|bos|>", "t", "he", "Ġ", "c", "a", "t", "Ġ", "s", "a", "w", "Ġthe", "Ġ", "Ġ", "o", "t", "he", "r", "Ġ", "c", "a", "t", "'", "s", "Ġ", "1", "2", "3", "4", "5"],
            expected.Tokens.Take(30));
        Assert.Equal(expected.Ids, loaded.Encode(text).Ids);
        Assert.Equal(expected.Tokens, loaded.Encode(text).Tokens);
        Assert.Equal(text, loaded.Decode(expected.Ids, skipSpecialTokens: true));
        Assert.Equal(bos, loaded.BosId);
        Assert.Equal(vocab.Count + 1, loaded.VocabSize);
    }

    [Fact]
    public void Save_IntoAMissingFolder_NamesThePath()
    {
        using var folder = new TempFolder();
        var tokenizer = TinyTokenizers.Load(folder, TinyTokenizers.ByteLevelJson());
        string path = Path.Combine(folder.Path, "missing", "tokenizer.json");
        var error = Assert.Throws<TtLoraException>(() => tokenizer.Save(path));
        Assert.Equal($"{path}: cannot save: the folder does not exist", error.Message);
    }
}

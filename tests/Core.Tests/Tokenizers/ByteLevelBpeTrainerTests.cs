using TtLora.Core.Tokenizers;

namespace TtLora.Core.Tests.Tokenizers;

public sealed class ByteLevelBpeTrainerTests
{
    static readonly string[] Corpus =
    [
        "The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs.",
        "Tensor trains factorise a weight update into a chain of small cores.",
        "Experts are trained per task, then a router picks the expert for each input.",
        "The the the then there these those thesis theses thermal.",
        "Numbers 12345 and 2024-11-23, code: for (int i = 0; i < n; i++) { x += i; }",
        "Unicode: café naïve Zürich 東京 😀 — dashes and “quotes”.",
    ];

    static HfTokenizer Train(int vocab)
    {
        var trainer = new ByteLevelBpeTrainer(vocab, minFrequency: 2);
        for (int repeat = 0; repeat < 3; repeat++)
            foreach (var text in Corpus) trainer.Add(text);
        return trainer.Train();
    }

    [Fact]
    public void LearnsFrequentWordsAndDecodesEveryTextBackExactly()
    {
        var tokenizer = Train(400);
        Assert.InRange(tokenizer.VocabSize, 256 + 3 + 20, 400);
        Assert.NotNull(tokenizer.TokenToId("Ġthe"));
        Assert.Equal(tokenizer.TokenToId(ByteLevelBpeTrainer.BosToken), tokenizer.BosId);
        foreach (var text in Corpus.Append("Unseen wörds, 🚀 and tabs\t\tand\nnewlines."))
        {
            var encoding = tokenizer.Encode(text);
            Assert.Equal(tokenizer.BosId, encoding.Ids[0]);
            Assert.Equal(text, tokenizer.Decode(encoding.Ids, skipSpecialTokens: true));
        }
        // Merges shorten the encoding of text like the training data.
        Assert.True(tokenizer.Encode(Corpus[0], addSpecialTokens: false).Ids.Count < Corpus[0].Length / 2);
    }

    [Fact]
    public void TrainingIsDeterministic()
    {
        using var folder = new TempFolder();
        Train(350).Save(folder.File("a.json"));
        Train(350).Save(folder.File("b.json"));
        Assert.Equal(File.ReadAllBytes(folder.File("a.json")), File.ReadAllBytes(folder.File("b.json")));
    }

    [Fact]
    public void HuggingFaceReadsTheTrainedFileAndEncodesIdentically()
    {
        using var folder = new TempFolder();
        string path = folder.File("tokenizer.json");
        var tokenizer = Train(380);
        tokenizer.Save(path);
        var texts = Corpus.Append("Unseen wörds, 🚀 and tabs\t\tand\nnewlines.").ToArray();
        var reference = HfReference.Encode(path, texts);
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.Equal(reference[i].Ids, tokenizer.Encode(texts[i]).Ids);
            Assert.Equal(reference[i].Decoded, tokenizer.Decode(tokenizer.Encode(texts[i]).Ids));
        }
    }

    [Fact]
    public void TooSmallAVocabularyIsRefused()
    {
        var e = Assert.Throws<TtLoraException>(() => new ByteLevelBpeTrainer(100));
        Assert.Contains("--vocab-size", e.Message);
    }
}

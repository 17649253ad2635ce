using TtLora.Core.Data;

namespace TtLora.Core.Tests.Data;

[Collection("demo suite")]
public sealed class PretrainingCorpusTests(DemoSuiteFixture suite)
{
    [Fact]
    public void CorpusHoldsOnlyTrainingDocumentsAndNoHeldOutText()
    {
        var corpus = PretrainingCorpus.Build();
        var all = corpus.Train.Concat(corpus.Validation).ToList();

        // 1. By identity: no validation or test document of any task.
        var heldOutDocuments = suite.Tasks.SelectMany(t => t.Value.Validation.Concat(t.Value.Test).Select(e => $"{t.Key}/{e.DocumentId}")).ToHashSet();
        Assert.DoesNotContain(all, d => heldOutDocuments.Contains(d.Id));

        // 2. By content, checked independently of the corpus's own index: no held-out example text occurs word for
        // word in any pretraining document. 8-word shingles of the corpus narrow the candidates; candidates and
        // short texts are confirmed by plain substring search.
        var normalized = all.Select(d => PlainText.NormalizeWhitespace(d.Text)).ToList();
        string joined = " \n " + string.Join(" \n ", normalized) + " \n ";
        var shingles = new HashSet<int>();
        foreach (var text in normalized)
        {
            var words = text.Split(' ');
            for (int i = 0; i + 8 <= words.Length; i++) shingles.Add(string.Join(' ', words, i, 8).GetHashCode());
        }
        int substringChecks = 0;
        foreach (var (name, splits) in suite.Tasks)
            foreach (var example in splits.Validation.Concat(splits.Test))
            {
                var words = example.Text.Split(' ');
                if (words.Length >= 8 && !shingles.Contains(string.Join(' ', words, 0, 8).GetHashCode())) continue;
                substringChecks++;
                Assert.False(joined.Contains(" " + example.Text + " ", StringComparison.Ordinal),
                    $"{name} held-out example {example.Id} occurs in the pretraining text");
            }
        Assert.InRange(substringChecks, 1, 500); // the shingle filter did its job; the short texts were checked directly

        // 3. Every task and Moby-Dick contribute; held-out documents were really left out.
        Assert.Equal(DemoSuite.TaskNames.Append("moby-dick").Order(), all.Select(d => d.Source).Distinct().Order());
        Assert.NotEmpty(corpus.ExcludedDocumentIds);
        Assert.InRange(corpus.TrainCharacters, 15_000_000, 40_000_000);
    }

    [Fact]
    public void ValidationSliceIsAStableDisjointShare()
    {
        var corpus = PretrainingCorpus.Build(new PretrainingOptions { IncludeMobyDick = false, ValidationFraction = 0.05 });
        int total = corpus.Train.Count + corpus.Validation.Count;
        Assert.InRange(corpus.Validation.Count, (int)(0.035 * total), (int)(0.065 * total));
        Assert.Empty(corpus.Train.Select(d => d.Id).Intersect(corpus.Validation.Select(d => d.Id)));
        Assert.All(corpus.Validation, d => Assert.True(StableHash.Unit("pretraining-validation", d.Id) < 0.05));
        Assert.DoesNotContain(corpus.Train, d => d.Source == "moby-dick");
    }

    [Fact]
    public void WordSequenceIndexFindsWholeSequencesOnly()
    {
        var index = new WordSequenceIndex(["the quick brown fox jumps over the lazy dog today", "short one", "a b c d e f g h"]);

        Assert.Equal("short one", index.FirstContainedIn("this is a\nshort   one indeed"));
        Assert.Equal("the quick brown fox jumps over the lazy dog today", index.FirstContainedIn("so the quick brown fox jumps over the lazy dog today."
            .Replace("today.", "today")));
        Assert.Null(index.FirstContainedIn("the quick brown fox jumps over the lazy dog tomorrow"));
        Assert.Null(index.FirstContainedIn("shorter one"));
        Assert.Equal("a b c d e f g h", index.FirstContainedIn("z a b c d e f g h"));
        Assert.Null(index.FirstContainedIn("a b c d e f g"));
    }
}

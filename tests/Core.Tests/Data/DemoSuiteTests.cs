using TtLora.Core.Data;

namespace TtLora.Core.Tests.Data;

[Collection("demo suite")]
public sealed class DemoSuiteTests(DemoSuiteFixture suite)
{
    public static TheoryData<string, string[], int, int> Documented => new()
    {
        // task, labels in index order, minimum train size, minimum validation/test size
        { "spam", ["ham", "spam"], 4000, 500 },
        { "brown-genre", ["press", "general", "learned", "fiction"], 4000, 500 },
        { "sotu-party", ["democratic", "republican"], 3000, 350 },
        { "fortune-category", ["computers", "men-women", "politics", "science", "songs-poems"], 2500, 300 },
        { "reuters-grain", ["other", "grain"], 1300, 140 },
    };

    [Theory]
    [MemberData(nameof(Documented))]
    public void TasksHaveTheDocumentedLabelsSizesAndBoundedTexts(string name, string[] labels, int minTrain, int minHeldOut)
    {
        var splits = suite.Tasks[name];
        var summary = splits.Summary();

        Assert.Equal(labels, splits.Task.LabelNames);
        Assert.InRange(summary.Train.Count, minTrain, int.MaxValue);
        Assert.InRange(summary.Validation.Count, minHeldOut, int.MaxValue);
        Assert.InRange(summary.Test.Count, minHeldOut, int.MaxValue);
        foreach (var split in new[] { summary.Train, summary.Validation, summary.Test })
            Assert.All(split.LabelCounts, count => Assert.True(count > 0, $"{name}: a label has no examples in a split"));
        foreach (var example in splits.Train.Concat(splits.Validation).Concat(splits.Test))
        {
            int words = PlainText.Words(example.Text).Length;
            Assert.InRange(words, 3, 96);
            Assert.Equal(PlainText.NormalizeWhitespace(example.Text), example.Text);
        }
    }

    [Fact]
    public void NoDocumentOrTextIsInTwoSplits()
    {
        foreach (var (name, splits) in suite.Tasks)
        {
            var trainDocs = splits.Train.Select(e => e.DocumentId).ToHashSet();
            var validationDocs = splits.Validation.Select(e => e.DocumentId).ToHashSet();
            var testDocs = splits.Test.Select(e => e.DocumentId).ToHashSet();
            Assert.Empty(trainDocs.Intersect(validationDocs));
            Assert.Empty(trainDocs.Intersect(testDocs));
            Assert.Empty(validationDocs.Intersect(testDocs));

            var texts = splits.Train.Concat(splits.Validation).Concat(splits.Test).Select(e => e.Text).ToList();
            Assert.True(texts.Count == texts.Distinct(StringComparer.Ordinal).Count(), $"{name}: a text occurs twice");
            Assert.All(splits.Train.Concat(splits.Validation).Concat(splits.Test), e => Assert.NotNull(e.SourceId));
        }
    }

    [Fact]
    public void FreshBuildsAreIdenticalToEachOtherAndToTheCache()
    {
        foreach (var name in DemoSuite.TaskNames)
        {
            var first = DemoSuite.Build(name);
            var second = DemoSuite.Build(name);
            var cached = suite.Tasks[name];
            foreach (var split in new[] { DataSplit.Train, DataSplit.Validation, DataSplit.Test })
            {
                Assert.Equal(first[split], second[split]);
                Assert.Equal(first[split], cached[split]);
            }
        }
    }

    [Fact]
    public void ReutersKeepsItsOwnTestSplit()
    {
        var splits = suite.Tasks["reuters-grain"];
        Assert.All(splits.Test, e => Assert.StartsWith("test/", e.Id));
        Assert.All(splits.Train.Concat(splits.Validation), e => Assert.StartsWith("train/", e.Id));
        Assert.InRange(splits.Test.Count, 590, 604); // 604 shipped, less a few exact duplicates
    }

    [Fact]
    public void ListShowAndUnknownNames()
    {
        var summaries = DemoSuite.List();
        Assert.Equal(DemoSuite.TaskNames, summaries.Select(s => s.Name));
        Assert.Equal(suite.Tasks["spam"].Train.Count, summaries[0].Train.Count);

        var preview = DemoSuite.Show("brown-genre", examples: 5);
        Assert.Equal(5, preview.Examples.Count);
        Assert.Equal([0, 1, 2, 3, 0], preview.Examples.Select(e => e.Label)); // taken in turn from each label
        Assert.Contains("brown-genre", preview.ToString());

        var error = Assert.Throws<TtLoraException>(() => DemoSuite.Load("sst2"));
        Assert.Equal("unknown demo task 'sst2'; available tasks: spam, brown-genre, sotu-party, fortune-category, reuters-grain", error.Message);
    }
}

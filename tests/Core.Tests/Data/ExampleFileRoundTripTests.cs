using TtLora.Core.Data;

namespace TtLora.Core.Tests.Data;

public sealed class ExampleFileRoundTripTests : IDisposable
{
    readonly DataTempFolder _folder = new();

    static readonly string[] Labels = ["negative", "neutral", "positive"];

    // Texts chosen to stress every format: delimiters, quotes, line breaks, tabs would break TSV so they are
    // only in the quoted formats' set.
    static LabelledExample[] Examples(bool withSpecialCharacters) =>
    [
        new("a1", "plain text", 2, "doc-1"),
        new("a2", withSpecialCharacters ? "comma, \"quoted\" and\nline break" : "second passage", 0, "doc-1"),
        new("a3", "ünïcödé — emoji 🙂", 1),
        new("a4", withSpecialCharacters ? "trailing \"quote\"" : "last", 2, "doc-2"),
    ];

    [Theory]
    [InlineData("data.jsonl", true)]
    [InlineData("data.csv", true)]
    [InlineData("data.tsv", false)]
    [InlineData("data.parquet", true)]
    public void WrittenExamplesReadBackIdentically(string name, bool special)
    {
        var examples = Examples(special);
        string path = _folder.File(name);
        ExampleFiles.Write(path, examples, Labels);

        var read = ExampleFiles.Read(path, ExampleFiles.RoundTripOptions(Labels));

        Assert.Equal(Labels, read.LabelNames);
        Assert.Equal(examples, read.Examples);
    }

    [Fact]
    public void ParquetLabelNamesComeFromHuggingFaceClassLabelMetadata()
    {
        string path = _folder.File("hf.parquet");
        ExampleFiles.Write(path, Examples(true), Labels);

        var read = ExampleFiles.Read(path, new ExampleReaderOptions { IdColumn = "id" }); // no names given

        Assert.Equal(Labels, read.LabelNames);
        Assert.Equal([2, 0, 1, 2], read.Examples.Select(e => e.Label));
    }

    [Fact]
    public void LabelNamesAreInferredSortedFromStringLabels()
    {
        string path = _folder.Write("d.jsonl", """
            {"text": "x", "label": "spam"}
            {"text": "y", "label": "ham"}

            {"text": "z", "label": "eggs"}
            """);

        var read = ExampleFiles.Read(path);

        Assert.Equal(["eggs", "ham", "spam"], read.LabelNames);
        Assert.Equal([2, 1, 0], read.Examples.Select(e => e.Label));
        Assert.Equal(["d:1", "d:2", "d:3"], read.Examples.Select(e => e.Id));
    }

    [Fact]
    public void IntegerLabelsAreIndicesAndNamesDefaultToNumbers()
    {
        string path = _folder.Write("d.jsonl", "{\"text\":\"x\",\"label\":2}\n{\"text\":\"y\",\"label\":0}\n");

        var read = ExampleFiles.Read(path);

        Assert.Equal(["0", "1", "2"], read.LabelNames);
        Assert.Equal([2, 0], read.Examples.Select(e => e.Label));
    }

    [Fact]
    public void CsvIndicesWithGivenNamesAndTemplateFlattenSentencePairs()
    {
        string path = _folder.Write("pairs.csv",
            "premise,hypothesis,label\r\n\"A man, tired.\",He sleeps.,0\r\nCats purr.,\"Cats \"\"talk\"\".\",1\r\n");
        var options = new ExampleReaderOptions
        {
            TextColumns = ["premise", "hypothesis"],
            Template = "premise: {premise} hypothesis: {hypothesis}",
            LabelNames = ["entailment", "contradiction"],
            Labels = LabelEncoding.Indices,
        };

        var read = ExampleFiles.Read(path, options);

        Assert.Equal(["premise: A man, tired. hypothesis: He sleeps.", "premise: Cats purr. hypothesis: Cats \"talk\"."],
            read.Examples.Select(e => e.Text));
        Assert.Equal([0, 1], read.Examples.Select(e => e.Label));
    }

    [Fact]
    public void TsvFieldsAreLiteralSoQuotesInsideTextSurvive()
    {
        string path = _folder.Write("sst.tsv", "sentence\tlabel\n\"a\" film , \"quoted\tpositive\n");
        // The second line has a tab inside: sentence = "\"a\" film , \"quoted", label = "positive".
        var read = ExampleFiles.Read(path, new ExampleReaderOptions { TextColumns = ["sentence"] });

        Assert.Equal("\"a\" film , \"quoted", read.Examples.Single().Text);
        Assert.Equal(["positive"], read.LabelNames);
    }

    [Fact]
    public void UnlabelledRowsCanBeSkipped()
    {
        string path = _folder.Write("test.jsonl", "{\"text\":\"x\",\"label\":-1}\n{\"text\":\"y\",\"label\":1}\n");

        var read = ExampleFiles.Read(path, new ExampleReaderOptions { SkipUnlabelled = true, LabelNames = ["no", "yes"] });

        Assert.Equal("y", read.Examples.Single().Text);
    }

    [Fact]
    public void SplitsWithoutValidationCarveAStableTenPercentOfTrainingDocuments()
    {
        var task = new TaskDefinition("t", "test task", ["a", "b"]);
        var examples = Enumerable.Range(0, 400).Select(i => new LabelledExample($"e{i}", $"text {i}", i % 2, $"doc{i / 2}")).ToArray();
        string train = _folder.File("train.jsonl");
        ExampleFiles.Write(train, examples, task.LabelNames);

        var splits = ExampleFiles.ReadSplits(task, train, options: ExampleFiles.RoundTripOptions(task.LabelNames));
        var again = ExampleFiles.ReadSplits(task, train, options: ExampleFiles.RoundTripOptions(task.LabelNames));

        Assert.Equal(400, splits.Train.Count + splits.Validation.Count);
        Assert.InRange(splits.Validation.Count, 20, 60); // 10% of 200 documents (40 examples) give or take hash noise
        Assert.Equal(splits.Validation.Select(e => e.Id), again.Validation.Select(e => e.Id));
        Assert.Empty(splits.Train.Select(e => e.DocumentId).Intersect(splits.Validation.Select(e => e.DocumentId)));
    }

    public void Dispose() => _folder.Dispose();
}

using TtLora.Core.Data;

namespace TtLora.Core.Tests.Data;

/// <summary>The corpus readers' text handling on small hand-made inputs with known answers.</summary>
public sealed class CorpusParsingTests : IDisposable
{
    readonly DataTempFolder _folder = new();

    [Fact]
    public void EmailTextKeepsSubjectAndPlainBodyAndDecodesMime()
    {
        string raw = """
            Received: from mail.example.org by relay
            Subject: =?iso-8859-1?Q?Caf=E9_offer?=
            Content-Type: multipart/alternative; boundary="XYZ"

            This is a MIME message.
            --XYZ
            Content-Type: text/html

            <html><body><p>HTML version</p></body></html>
            --XYZ
            Content-Type: text/plain; charset=iso-8859-1
            Content-Transfer-Encoding: quoted-printable

            Caf=E9 au lait for=
             everyone
            --XYZ--
            """;

        Assert.Equal("Subject: Café offer\n\nCafé au lait for everyone", EmailText.Readable(raw));
    }

    [Fact]
    public void EmailTextReducesBase64HtmlToItsText()
    {
        string html = "<html><head><style>p {color:red}</style></head><body><p>Win &amp; save</p><script>x()</script><br>Now!</body></html>";
        string raw = "Subject: Deal\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
            + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(html)) + "\n";

        Assert.Equal("Subject: Deal\n\nWin & save\nNow!", EmailText.Readable(raw));
    }

    [Fact]
    public void BrownTagsAreStrippedAndTokensJoined()
    {
        string tagged = "\n\n\tThe/at jury/nn said/vbd ``/`` no/at evidence/nn ''/'' ,/, 1/2/cd (/( Atlanta's/np$ )/) ./.\n\n\n\tIt/pps didn't/do* ./.\n";

        Assert.Equal("The jury said \u201Cno evidence\u201D, 1/2 (Atlanta's).\n\nIt didn't.", BrownGenreTask.Detokenize(tagged));
    }

    [Fact]
    public void FortuneEntriesAreSplitAtPercentLinesWithOverstrikeRemoved()
    {
        string file = "First\nentry\n%\n_\bb_\bo_\bl_\bd and X\bX\n%\n%\n  Last one  \n";

        Assert.Equal(["First\nentry", "bold and X", "Last one"], FortuneCategoryTask.Entries(file));
    }

    [Fact]
    public void ReutersStoriesLoseEntitiesAndSignature()
    {
        Assert.Equal("WHEAT <WHT> UP\nPrices rose 3 pct.", ReutersGrainTask.CleanStory("WHEAT &lt;WHT> UP\nPrices rose 3 pct.\n Reuter\n&#3;"));
    }

    [Fact]
    public void ArffFilesAreParsedWithQuotesEscapesAndMissingValues()
    {
        string path = _folder.Write("t.arff", """
            % comment
            @relation 'Reuters test'

            @attribute Text string
            @attribute 'class-att' {0,1}

            @data
            'It\'s a \"test\",\nwith comma',1
            "double, quoted", 0
            ?,1
            """);

        var arff = ArffFile.Read(path);

        Assert.Equal("Reuters test", arff.Relation);
        Assert.Equal([("Text", "string"), ("class-att", "{0,1}")], arff.Attributes);
        Assert.Equal(new[] { "It's a \"test\",\nwith comma", "1" }, arff.Rows[0]);
        Assert.Equal(new[] { "double, quoted", "0" }, arff.Rows[1]);
        Assert.Equal(new string?[] { null, "1" }, arff.Rows[2]);
        Assert.Equal(path + ": no attribute 'label'; attributes: Text, class-att",
            Assert.Throws<TtLoraException>(() => arff.AttributeIndex("label")).Message);

        string bad = _folder.Write("b.arff", "@attribute a string\n@attribute b string\n@data\n'x'\n");
        Assert.Equal(bad + ": line 4: 1 values, but 2 attributes are declared", Assert.Throws<TtLoraException>(() => ArffFile.Read(bad)).Message);
    }

    [Fact]
    public void PassagesEndAtSentencesWithinTheWordBounds()
    {
        string text = string.Join(' ', Enumerable.Range(1, 10).Select(i => $"w{i}")) + " end. " // 11 words
            + string.Join(' ', Enumerable.Range(1, 25).Select(i => $"x{i}")) + ". " // 25 words, no end until the last
            + "Mr. Smith stays tail";

        var passages = PlainText.Passages(text, maxWords: 12, minWords: 5);

        Assert.Equal([11, 12, 12, 5], passages.Select(p => PlainText.Words(p).Length));
        Assert.EndsWith("end.", passages[0]);
        Assert.Equal("x25. Mr. Smith stays tail", passages[3]); // "Mr." is not a sentence end
    }

    [Fact]
    public void PassagePolicyKeepsEvenlySpacedPassages()
    {
        string text = string.Join(' ', Enumerable.Range(0, 10).Select(i => $"p{i} a b c."));
        var policy = new PassagePolicy(Windows: true, MaxWords: 4, MinWords: 4, MaxPerDocument: 4);

        Assert.Equal(["p0 a b c.", "p2 a b c.", "p5 a b c.", "p7 a b c."], policy.Cut(text));
        Assert.Equal(["one two three"], PassagePolicy.Leading.Cut(" one\n two   three "));
        Assert.Empty(PassagePolicy.Leading.Cut("too short"));
    }

    [Fact]
    public void DocumentSplitsAreStratifiedStableAndOrderIndependent()
    {
        var documents = Enumerable.Range(0, 1000).Select(i => new SourceDocument($"d{i}", i < 300 ? 1 : 0, "text")).ToArray();

        var splits = DocumentSplitter.Assign("task", documents);
        var reversed = DocumentSplitter.Assign("task", documents.Reverse().ToArray()).Reverse().ToArray();
        var otherTask = DocumentSplitter.Assign("other", documents);

        Assert.Equal(splits, reversed);
        Assert.NotEqual(splits, otherTask);
        foreach (var (label, n) in new[] { (0, 700), (1, 300) })
        {
            var ofLabel = splits.Where((s, i) => documents[i].Label == label).ToArray();
            Assert.Equal((int)(0.8 * n), ofLabel.Count(s => s == DataSplit.Train));
            Assert.Equal((int)(0.1 * n), ofLabel.Count(s => s == DataSplit.Validation));
            Assert.Equal((int)(0.1 * n), ofLabel.Count(s => s == DataSplit.Test));
        }
        // Pinned so a change of hashing (which would silently reshuffle every task) fails loudly.
        Assert.Equal("debe5064e8edabd0", StableHash.Of("task", "d0").ToString("x16")); // = first 8 bytes of sha256("task\nd0")
    }

    [Fact]
    public void ShippedDivisionsAreKept()
    {
        var documents = Enumerable.Range(0, 200).Select(i => new SourceDocument($"d{i}", 0, "t", i < 50 ? DataSplit.Test : DataSplit.Train)).ToArray();

        var splits = DocumentSplitter.Assign("task", documents);

        Assert.All(splits.Take(50), s => Assert.Equal(DataSplit.Test, s));
        Assert.Equal(15, splits.Skip(50).Count(s => s == DataSplit.Validation));
        Assert.Equal(135, splits.Skip(50).Count(s => s == DataSplit.Train));
    }

    [Fact]
    public void TemplatesAndTaskDefinitionsAreValidated()
    {
        var pair = new TaskDefinition("rte", "entailment", ["entailment", "not_entailment"], ["premise", "hypothesis"],
            template: "premise: {premise} hypothesis: {hypothesis} {{literal}}");
        Assert.Equal("premise: P hypothesis: H {literal}", pair.ComposeText(f => f == "premise" ? "P" : "H"));
        Assert.Equal(1, pair.LabelIndex("not_entailment"));
        Assert.Equal("A\nB", new TaskDefinition("t", "", ["a", "b"], ["x", "y"]).ComposeText(f => f == "x" ? "A" : "B"));

        Assert.Equal("task 't': template uses {other}, which is not among the text fields (text)",
            Assert.Throws<TtLoraException>(() => new TaskDefinition("t", "", ["a", "b"], template: "{other}")).Message);
        Assert.Equal("task 't': a classification task needs at least 2 labels, got 1",
            Assert.Throws<TtLoraException>(() => new TaskDefinition("t", "", ["a"])).Message);
        Assert.Equal("task 't': label name 'a' appears twice",
            Assert.Throws<TtLoraException>(() => new TaskDefinition("t", "", ["a", "b", "a"])).Message);
        Assert.StartsWith("template \"x {y\": '{' at position 2 is never closed",
            Assert.Throws<TtLoraException>(() => TextTemplate.Parse("x {y")).Message);
        Assert.Equal("task 't': label 'c' is not one of a, b",
            Assert.Throws<TtLoraException>(() => new TaskDefinition("t", "", ["a", "b"]).LabelIndex("c")).Message);
    }

    [Fact]
    public void SplitsRejectADocumentInTwoSplits()
    {
        var task = new TaskDefinition("t", "", ["a", "b"]);
        var error = Assert.Throws<TtLoraException>(() => new TaskSplits(task,
            [new LabelledExample("1", "x", 0, "doc")], [], [new LabelledExample("2", "y", 1, "doc")]));
        Assert.Equal("task 't': document 'doc' is in both the Train and the Test split", error.Message);
    }

    [Fact]
    public void DebianPackageNamesAreCheckedBeforeAnyToolRuns()
    {
        Assert.Equal("'bad name' is not a Debian package name",
            Assert.Throws<TtLoraException>(() => DebianPackageCache.Get("bad name")).Message);
    }

    public void Dispose() => _folder.Dispose();
}

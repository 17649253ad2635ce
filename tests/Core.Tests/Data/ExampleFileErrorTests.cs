using TtLora.Core.Data;

namespace TtLora.Core.Tests.Data;

/// <summary>Every malformed input gives one message naming the file and the line or row.</summary>
public sealed class ExampleFileErrorTests : IDisposable
{
    readonly DataTempFolder _folder = new();

    static string Fails(string path, ExampleReaderOptions? options = null) =>
        Assert.Throws<TtLoraException>(() => ExampleFiles.Read(path, options)).Message;

    [Fact]
    public void MalformedJsonLineNamesFileAndLine()
    {
        string path = _folder.Write("bad.jsonl", "{\"text\":\"a\",\"label\":\"x\"}\n\n{\"text\": \"b\", \"label\": }\n");
        string message = Fails(path);
        Assert.StartsWith(path + ": line 3: malformed JSON", message);
    }

    [Fact]
    public void NonObjectJsonLineIsRejected()
    {
        string path = _folder.Write("arr.jsonl", "[1, 2]\n");
        Assert.Equal(path + ": line 1: expected a JSON object, found array", Fails(path));
    }

    [Fact]
    public void UnknownColumnListsTheAvailableOnes()
    {
        string jsonl = _folder.Write("a.jsonl", "{\"sentence\":\"a\",\"label\":\"x\",\"idx\":0}\n");
        Assert.Equal(jsonl + ": unknown column 'text'; available columns: sentence, label, idx", Fails(jsonl));

        string csv = _folder.Write("a.csv", "sentence,label\nhello,x\n");
        Assert.Equal(csv + ": unknown column 'labels'; available columns: sentence, label",
            Fails(csv, new ExampleReaderOptions { TextColumns = ["sentence"], LabelColumn = "labels" }));

        string parquet = _folder.File("a.parquet");
        ExampleFiles.Write(parquet, [new LabelledExample("1", "t", 0)], ["a", "b"]);
        Assert.Equal(parquet + ": unknown column 'sentence'; available columns: id, text, label, source_id",
            Fails(parquet, new ExampleReaderOptions { TextColumns = ["sentence"] }));
    }

    [Fact]
    public void LabelOutsideTheLabelSetNamesTheRecord()
    {
        string names = _folder.Write("n.jsonl", "{\"text\":\"a\",\"label\":\"pos\"}\n{\"text\":\"b\",\"label\":\"maybe\"}\n");
        Assert.Equal(names + ": line 2: label 'maybe' is outside the label set (neg, pos)",
            Fails(names, new ExampleReaderOptions { LabelNames = ["neg", "pos"] }));

        string indices = _folder.Write("i.tsv", "text\tlabel\na\t1\nb\t2\n");
        Assert.Equal(indices + ": row 2 (line 3): label index 2 is outside the label set [0, 2) (neg, pos)",
            Fails(indices, new ExampleReaderOptions { LabelNames = ["neg", "pos"], Labels = LabelEncoding.Indices }));

        string parquet = _folder.File("p.parquet");
        ExampleFiles.Write(parquet, [new LabelledExample("1", "t", 0), new LabelledExample("2", "u", 2)], ["a", "b", "c"]);
        Assert.Equal(parquet + ": row 2: label index 2 is outside the label set [0, 2) (x, y)",
            Fails(parquet, new ExampleReaderOptions { LabelNames = ["x", "y"] }));
    }

    [Fact]
    public void EmptyFilesAreReported()
    {
        Assert.Equal(_folder.Write("e.jsonl", "\n  \n") + ": the file is empty: it holds no records", Fails(_folder.File("e.jsonl")));
        Assert.Equal(_folder.Write("e.csv", "") + ": the file is empty: no header row", Fails(_folder.File("e.csv")));
        Assert.Equal(_folder.Write("h.csv", "text,label\n") + ": the file is empty: it holds no records", Fails(_folder.File("h.csv")));
        string parquet = _folder.File("e.parquet");
        ExampleFiles.Write(parquet, [], ["a", "b"]);
        Assert.Equal(parquet + ": the file is empty: it holds no records", Fails(parquet));
    }

    [Fact]
    public void InvalidUtf8NamesTheLine()
    {
        byte[] bytes = [.. "{\"text\":\"ok\",\"label\":\"a\"}\n{\"text\":\"caf"u8, 0xE9, .. "\",\"label\":\"a\"}\n"u8];
        string path = _folder.WriteBytes("latin1.jsonl", bytes);
        Assert.Equal(path + $": line 2: not valid UTF-8 (byte 0xE9 at offset {Array.IndexOf(bytes, (byte)0xE9)}); re-encode the file as UTF-8", Fails(path));

        string csv = _folder.WriteBytes("latin1.csv", [.. "text,label\n\nab"u8, 0xFF, .. ",x\n"u8]);
        Assert.StartsWith(csv + ": line 3: not valid UTF-8 (byte 0xFF", Fails(csv));
    }

    [Fact]
    public void InvalidUtf8InParquetShowsAsAReplacementCharacter()
    {
        string path = _folder.File("r.parquet");
        ExampleFiles.Write(path, [new LabelledExample("1", "fine", 0), new LabelledExample("2", "bad \uFFFD", 1)], ["a", "b"]);
        Assert.StartsWith(path + ": row 2: column 'text' is not valid UTF-8", Fails(path));
        var read = ExampleFiles.Read(path, new ExampleReaderOptions { AllowReplacementCharacter = true });
        Assert.Equal("bad \uFFFD", read.Examples[1].Text);
    }

    [Fact]
    public void MissingValuesNameColumnAndRecord()
    {
        string jsonl = _folder.Write("m.jsonl", "{\"text\":\"a\",\"label\":\"x\"}\n{\"label\":\"y\"}\n");
        Assert.Equal(jsonl + ": line 2: missing value for column 'text'", Fails(jsonl));

        string nullLabel = _folder.Write("n.jsonl", "{\"text\":\"a\",\"label\":null}\n");
        Assert.Equal(nullLabel + ": line 1: missing value for column 'label'", Fails(nullLabel));

        string csv = _folder.Write("m.csv", "text,label\na,x\nb,\n");
        Assert.Equal(csv + ": row 2 (line 3): missing value for column 'label'", Fails(csv));

        string parquet = _folder.File("m.parquet");
        ExampleFiles.Write(parquet, [new LabelledExample("1", "t", 0, "s"), new LabelledExample("2", "u", 1)], ["a", "b"]);
        Assert.Equal(parquet + ": row 2: missing value for column 'source_id'",
            Fails(parquet, new ExampleReaderOptions { TextColumns = ["text", "source_id"] }));
    }

    [Fact]
    public void CsvStructureErrorsNameTheLine()
    {
        string unclosed = _folder.Write("u.csv", "text,label\n\"never closed,x\n");
        Assert.Equal(unclosed + ": line 2: quoted field is never closed", Fails(unclosed));

        string afterQuote = _folder.Write("q.csv", "text,label\n\"a\"b,x\n");
        Assert.StartsWith(afterQuote + ": line 2: unexpected 'b' after a closing quote", Fails(afterQuote));

        string ragged = _folder.Write("r.csv", "text,label\n\"multi\nline\",x\nc,y,extra\n");
        Assert.Equal(ragged + ": row 2 (line 4): 3 fields, but the header has 2", Fails(ragged));
    }

    [Fact]
    public void WrongValueTypesAreNamed()
    {
        string path = _folder.Write("t.jsonl", "{\"text\":[\"a\"],\"label\":\"x\"}\n");
        Assert.Equal(path + ": line 1: column 'text' holds a JSON array, expected a string", Fails(path));

        string mixed = _folder.Write("mixed.jsonl", "{\"text\":\"a\",\"label\":\"x\"}\n{\"text\":\"b\",\"label\":3}\n");
        Assert.StartsWith(mixed + ": line 2: label 3 is an index but earlier labels are names", Fails(mixed));
    }

    [Fact]
    public void DuplicateIdsAndUnknownFormatsAreRejected()
    {
        string path = _folder.Write("d.jsonl", "{\"id\":\"a\",\"text\":\"x\",\"label\":\"p\"}\n{\"id\":\"a\",\"text\":\"y\",\"label\":\"p\"}\n");
        Assert.Equal(path + ": line 2: duplicate id 'a' (first at line 1)", Fails(path, new ExampleReaderOptions { IdColumn = "id" }));

        string other = _folder.Write("data.xml", "<x/>");
        Assert.Equal(other + ": unknown format; expected a .jsonl, .ndjson, .csv, .tsv or .parquet file", Fails(other));
        Assert.Equal(_folder.File("none.jsonl") + ": file not found", Fails(_folder.File("none.jsonl")));
    }

    public void Dispose() => _folder.Dispose();
}

using System.Text.Json;

namespace TtLora.Core.Data;

/// <summary>
/// Reads JSON Lines: one JSON object per line, blank lines ignored. The columns are the first record's keys;
/// a key missing from a later record is a missing value.
/// </summary>
public static class JsonlExampleReader
{
    public static LabelledData Read(string path, ExampleReaderOptions? options = null)
    {
        options ??= new ExampleReaderOptions();
        string text = StrictUtf8.ReadFile(path);
        var records = new List<RawRecord>();
        IReadOnlyList<string> columns = [];
        int lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            string line = rawLine.TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(line)) continue;
            var cells = ParseLine(path, lineNumber, line);
            if (records.Count == 0) columns = cells.Keys.ToArray();
            records.Add(new RawRecord(records.Count + 1, $"line {lineNumber}", cells));
        }
        return ExampleAssembler.Assemble(path, columns, records, options);
    }

    static Dictionary<string, CellValue> ParseLine(string path, int lineNumber, string line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw TtLoraException.InFile(path, $"line {lineNumber}: malformed JSON ({e.Message})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw TtLoraException.InFile(path, $"line {lineNumber}: expected a JSON object, found {document.RootElement.ValueKind.ToString().ToLowerInvariant()}");
            var cells = new Dictionary<string, CellValue>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
                cells[property.Name] = Cell(property.Value);
            return cells;
        }
    }

    static CellValue Cell(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => CellValue.Of(value.GetString()!),
        JsonValueKind.Number when value.TryGetInt64(out long integer) => CellValue.Of(integer),
        JsonValueKind.Number => CellValue.Unsupported("non-integer number"),
        JsonValueKind.Null => CellValue.Null,
        JsonValueKind.True or JsonValueKind.False => CellValue.Unsupported("boolean"),
        JsonValueKind.Array => CellValue.Unsupported("JSON array"),
        _ => CellValue.Unsupported("JSON object"),
    };
}

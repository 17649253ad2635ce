using System.Text;

namespace TtLora.Core.Data;

/// <summary>
/// Reads CSV or TSV with a header row. With quoting (CSV default) fields follow RFC 4180: a quoted field may
/// hold delimiters, line breaks and doubled quotes. Without quoting (TSV default) every character is literal.
/// An empty field is a missing value.
/// </summary>
public static class DelimitedExampleReader
{
    /// <summary>Reads <paramref name="path"/> with <paramref name="delimiter"/> (',' or '\t').</summary>
    public static LabelledData Read(string path, char delimiter, ExampleReaderOptions? options = null)
    {
        options ??= new ExampleReaderOptions();
        bool quoted = options.QuotedFields ?? delimiter != '\t';
        var rows = Parse(path, StrictUtf8.ReadFile(path), delimiter, quoted);
        if (rows.Count == 0) throw TtLoraException.InFile(path, "the file is empty: no header row");
        var header = rows[0].Fields;
        var duplicate = header.GroupBy(h => h, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw TtLoraException.InFile(path, $"line {rows[0].Line}: header names column '{duplicate.Key}' twice");

        var records = new List<RawRecord>(rows.Count - 1);
        for (int r = 1; r < rows.Count; r++)
        {
            var (line, fields) = rows[r];
            string location = $"row {r} (line {line})";
            if (fields.Length != header.Length)
                throw TtLoraException.InFile(path, $"{location}: {fields.Length} fields, but the header has {header.Length}");
            var cells = new Dictionary<string, CellValue>(header.Length, StringComparer.Ordinal);
            for (int c = 0; c < header.Length; c++)
                cells[header[c]] = fields[c].Length == 0 ? CellValue.Null : CellValue.Of(fields[c]);
            records.Add(new RawRecord(r, location, cells));
        }
        return ExampleAssembler.Assemble(path, header, records, options);
    }

    /// <summary>Splits the text into records of fields, each with the line it starts on; blank lines are skipped.</summary>
    static List<(int Line, string[] Fields)> Parse(string path, string text, char delimiter, bool quoted)
    {
        var rows = new List<(int, string[])>();
        var fields = new List<string>();
        var field = new StringBuilder();
        int line = 1, recordLine = 1, i = 0;
        bool fieldWasQuoted = false;

        void EndField() { fields.Add(field.ToString()); field.Clear(); fieldWasQuoted = false; }
        void EndRecord()
        {
            bool blank = fields.Count == 0 && field.Length == 0 && !fieldWasQuoted;
            if (!blank) { EndField(); rows.Add((recordLine, fields.ToArray())); }
            fields.Clear();
        }

        while (i < text.Length)
        {
            char c = text[i];
            if (quoted && c == '"' && field.Length == 0 && !fieldWasQuoted)
            {
                int openLine = line;
                i++;
                while (true)
                {
                    if (i >= text.Length)
                        throw TtLoraException.InFile(path, $"line {openLine}: quoted field is never closed");
                    char q = text[i];
                    if (q == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    if (q == '\n') line++;
                    field.Append(q);
                    i++;
                }
                fieldWasQuoted = true;
                if (i < text.Length && text[i] != delimiter && text[i] != '\n' && text[i] != '\r')
                    throw TtLoraException.InFile(path, $"line {line}: unexpected '{text[i]}' after a closing quote (double a quote inside a quoted field: \"\")");
                continue;
            }
            if (c == delimiter) { EndField(); i++; continue; }
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') { i++; continue; }
            if (c == '\n' || c == '\r')
            {
                EndRecord();
                line++;
                recordLine = line;
                i++;
                continue;
            }
            field.Append(c);
            i++;
        }
        EndRecord();
        return rows;
    }
}

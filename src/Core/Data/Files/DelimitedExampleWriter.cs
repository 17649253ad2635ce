using System.Text;

namespace TtLora.Core.Data;

/// <summary>
/// Writes examples as CSV or TSV with the header <c>id, text, label, source_id</c> (label as its name), atomically.
/// With quoting, fields holding the delimiter, a quote or a line break are RFC 4180 quoted; without quoting such
/// fields are an error.
/// </summary>
public static class DelimitedExampleWriter
{
    public static void Write(string path, IReadOnlyList<LabelledExample> examples, IReadOnlyList<string> labelNames,
        char delimiter, bool? quotedFields = null)
    {
        bool quoted = quotedFields ?? delimiter != '\t';
        var text = new StringBuilder();
        void Row(params string[] fields)
        {
            for (int i = 0; i < fields.Length; i++)
            {
                if (i > 0) text.Append(delimiter);
                text.Append(Field(path, fields[i], delimiter, quoted));
            }
            text.Append("\r\n");
        }
        Row("id", "text", "label", "source_id");
        foreach (var example in examples)
            Row(example.Id, example.Text, JsonlExampleWriter.LabelName(example, labelNames), example.SourceId ?? "");
        AtomicFile.WriteAllText(path, text.ToString());
    }

    static string Field(string path, string value, char delimiter, bool quoted)
    {
        bool special = value.IndexOfAny([delimiter, '"', '\n', '\r']) >= 0;
        if (!special || (!quoted && !value.Contains(delimiter) && !value.Contains('\n') && !value.Contains('\r')))
            return value;
        if (!quoted)
            throw TtLoraException.InFile(path, $"value \"{(value.Length > 40 ? value[..40] + "..." : value)}\" holds a delimiter or line break, which an unquoted file cannot hold; enable quoting");
        return "\"" + value.Replace("\"", "\"\"") + "\"";
    }
}

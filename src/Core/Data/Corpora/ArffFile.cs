using System.Text;

namespace TtLora.Core.Data;

/// <summary>
/// A dense ARFF file (Weka's format): <c>@relation</c>, <c>@attribute name type</c> lines, then <c>@data</c> rows of
/// comma-separated values; values may be quoted with ' or " and use backslash escapes; <c>?</c> is missing;
/// <c>%</c> starts a comment line. Sparse rows (<c>{...}</c>) are not supported.
/// </summary>
public sealed class ArffFile
{
    public string Relation { get; }
    public IReadOnlyList<(string Name, string Type)> Attributes { get; }
    public IReadOnlyList<string?[]> Rows { get; }
    public string Path { get; }

    ArffFile(string path, string relation, List<(string, string)> attributes, List<string?[]> rows)
    {
        Path = path;
        Relation = relation;
        Attributes = attributes;
        Rows = rows;
    }

    /// <summary>The position of attribute <paramref name="name"/>; unknown names are an error listing the attributes.</summary>
    public int AttributeIndex(string name)
    {
        for (int i = 0; i < Attributes.Count; i++) if (Attributes[i].Name == name) return i;
        throw TtLoraException.InFile(Path, $"no attribute '{name}'; attributes: {string.Join(", ", Attributes.Select(a => a.Name))}");
    }

    public static ArffFile Read(string path)
    {
        string text = StrictUtf8.ReadFile(path);
        string relation = "";
        var attributes = new List<(string, string)>();
        var rows = new List<string?[]>();
        bool inData = false;
        int lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            string line = rawLine.Trim();
            if (line.Length == 0 || line[0] == '%') continue;
            if (!inData)
            {
                if (line.StartsWith("@relation", StringComparison.OrdinalIgnoreCase))
                    relation = Values(path, lineNumber, line["@relation".Length..].Trim())[0] ?? "";
                else if (line.StartsWith("@attribute", StringComparison.OrdinalIgnoreCase))
                {
                    var (name, rest) = FirstValue(path, lineNumber, line["@attribute".Length..].Trim());
                    attributes.Add((name, rest.Trim()));
                }
                else if (line.StartsWith("@data", StringComparison.OrdinalIgnoreCase))
                    inData = true;
                else
                    throw TtLoraException.InFile(path, $"line {lineNumber}: expected @relation, @attribute or @data, got '{(line.Length > 40 ? line[..40] : line)}'");
                continue;
            }
            if (line[0] == '{') throw TtLoraException.InFile(path, $"line {lineNumber}: sparse ARFF rows are not supported");
            var values = Values(path, lineNumber, line);
            if (values.Count != attributes.Count)
                throw TtLoraException.InFile(path, $"line {lineNumber}: {values.Count} values, but {attributes.Count} attributes are declared");
            rows.Add(values.ToArray());
        }
        if (!inData) throw TtLoraException.InFile(path, "no @data section");
        return new ArffFile(path, relation, attributes, rows);
    }

    static (string Value, string Remainder) FirstValue(string path, int lineNumber, string text)
    {
        int position = 0;
        string value = ReadValue(path, lineNumber, text, ref position, stopAtSpace: true) ?? "";
        return (value, text[position..]);
    }

    static List<string?> Values(string path, int lineNumber, string line)
    {
        var values = new List<string?>();
        int position = 0;
        while (true)
        {
            values.Add(ReadValue(path, lineNumber, line, ref position, stopAtSpace: false));
            while (position < line.Length && line[position] == ' ') position++;
            if (position >= line.Length) return values;
            if (line[position] != ',') throw TtLoraException.InFile(path, $"line {lineNumber}: expected ',' at column {position + 1}");
            position++;
        }
    }

    static string? ReadValue(string path, int lineNumber, string line, ref int position, bool stopAtSpace)
    {
        while (position < line.Length && line[position] is ' ' or '\t') position++;
        if (position < line.Length && line[position] is '\'' or '"')
        {
            char quote = line[position++];
            var value = new StringBuilder();
            while (true)
            {
                if (position >= line.Length) throw TtLoraException.InFile(path, $"line {lineNumber}: quoted value is never closed");
                char c = line[position++];
                if (c == quote) return value.ToString();
                if (c != '\\' || position >= line.Length) { value.Append(c); continue; }
                char escaped = line[position++];
                value.Append(escaped switch { 'n' => '\n', 'r' => '\r', 't' => '\t', _ => escaped });
            }
        }
        int start = position;
        while (position < line.Length && line[position] != ',' && !(stopAtSpace && line[position] is ' ' or '\t')) position++;
        string bare = line[start..position].Trim();
        return bare == "?" ? null : bare;
    }
}

using System.Globalization;

namespace TtLora.Core.Data;

/// <summary>
/// Turns the raw records of any reader into labelled examples: checks the columns exist, builds the text,
/// interprets the label, and reports every problem with the file and the record's line or row.
/// </summary>
static class ExampleAssembler
{
    public static LabelledData Assemble(string path, IReadOnlyList<string> availableColumns, IReadOnlyList<RawRecord> records,
        ExampleReaderOptions options, IReadOnlyList<string>? labelNamesFromMetadata = null)
    {
        if (records.Count == 0) throw TtLoraException.InFile(path, "the file is empty: it holds no records");
        if (options.TextColumns.Count == 0) throw TtLoraException.InFile(path, "no text column was given");

        RequireColumns(path, availableColumns, options);

        TextTemplate? template = null;
        if (options.Template is not null)
        {
            template = TextTemplate.Parse(options.Template);
            var unknown = template.Fields.Where(f => !options.TextColumns.Contains(f, StringComparer.Ordinal)).ToArray();
            if (unknown.Length > 0)
                throw TtLoraException.InFile(path, $"template field(s) {string.Join(", ", unknown)} are not among the text columns ({string.Join(", ", options.TextColumns)})");
        }

        string stem = Path.GetFileNameWithoutExtension(path);
        var pending = new List<(RawRecord Record, string Id, string Text, string? Source, CellValue Label)>(records.Count);
        var firstSeen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            var label = Cell(record, options.LabelColumn);
            if (options.SkipUnlabelled && IsUnlabelled(label, options.Labels)) continue;
            if (label.Kind == CellKind.Null) throw Missing(path, record, options.LabelColumn);

            string text = template is not null
                ? template.Render(column => RequiredString(path, record, column))
                : string.Join("\n", options.TextColumns.Select(column => RequiredString(path, record, column)));
            if (string.IsNullOrWhiteSpace(text))
                throw TtLoraException.InFile(path, $"{record.Location}: the text is empty (columns {string.Join(", ", options.TextColumns)})");

            string id = options.IdColumn is null ? $"{stem}:{record.Number}" : RequiredString(path, record, options.IdColumn);
            if (!firstSeen.TryAdd(id, record.Location))
                throw TtLoraException.InFile(path, $"{record.Location}: duplicate id '{id}' (first at {firstSeen[id]})");
            string? source = options.SourceColumn is null ? null : OptionalString(path, record, options.SourceColumn);
            pending.Add((record, id, text, source, label));
        }
        if (pending.Count == 0) throw TtLoraException.InFile(path, "no labelled records (all were unlabelled)");

        var names = options.LabelNames ?? labelNamesFromMetadata ?? InferLabelNames(path, pending.Select(p => (p.Record, p.Label)).ToList(), options.Labels);
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++) byName[names[i]] = i;

        var examples = new List<LabelledExample>(pending.Count);
        foreach (var (record, id, text, source, label) in pending)
            examples.Add(new LabelledExample(id, text, LabelIndex(path, record, label, names, byName, options.Labels), source));
        return new LabelledData(path, names.ToArray(), examples);
    }

    /// <summary>The columns the options name, without duplicates.</summary>
    public static string[] WantedColumns(ExampleReaderOptions options) =>
        options.TextColumns.Append(options.LabelColumn)
            .Concat(new[] { options.IdColumn, options.SourceColumn }.OfType<string>())
            .Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>An unknown column is an error listing the available ones.</summary>
    public static void RequireColumns(string path, IReadOnlyList<string> availableColumns, ExampleReaderOptions options)
    {
        foreach (var column in WantedColumns(options))
            if (!availableColumns.Contains(column, StringComparer.Ordinal))
                throw TtLoraException.InFile(path, $"unknown column '{column}'; available columns: {string.Join(", ", availableColumns)}");
    }

    static bool IsUnlabelled(CellValue label, LabelEncoding encoding) =>
        label.Kind == CellKind.Null
        || (label.Kind == CellKind.Integer && label.Integer < 0 && encoding != LabelEncoding.Names)
        || (label.Kind == CellKind.String && encoding == LabelEncoding.Indices
            && long.TryParse(label.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) && value < 0);

    static IReadOnlyList<string> InferLabelNames(string path, List<(RawRecord Record, CellValue Label)> labels, LabelEncoding encoding)
    {
        bool asIndices = encoding == LabelEncoding.Indices || (encoding == LabelEncoding.Auto && labels[0].Label.Kind == CellKind.Integer);
        if (!asIndices)
        {
            var names = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var (record, label) in labels) names.Add(LabelName(path, record, label, encoding));
            return names.ToArray();
        }
        long max = -1;
        foreach (var (record, label) in labels) max = Math.Max(max, LabelNumber(path, record, label));
        if (max >= 100_000) throw TtLoraException.InFile(path, $"label index {max} is implausibly large; give the label names explicitly");
        return Enumerable.Range(0, (int)max + 1).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
    }

    static int LabelIndex(string path, RawRecord record, CellValue label, IReadOnlyList<string> names,
        Dictionary<string, int> byName, LabelEncoding encoding)
    {
        bool asIndex = encoding == LabelEncoding.Indices || (encoding == LabelEncoding.Auto && label.Kind == CellKind.Integer);
        if (asIndex)
        {
            long index = LabelNumber(path, record, label);
            if (index < 0 || index >= names.Count)
                throw TtLoraException.InFile(path, $"{record.Location}: label index {index} is outside the label set [0, {names.Count}) ({string.Join(", ", names)})");
            return (int)index;
        }
        string name = LabelName(path, record, label, encoding);
        if (!byName.TryGetValue(name, out int found))
            throw TtLoraException.InFile(path, $"{record.Location}: label '{name}' is outside the label set ({string.Join(", ", names)})");
        return found;
    }

    static string LabelName(string path, RawRecord record, CellValue label, LabelEncoding encoding) => label.Kind switch
    {
        CellKind.String => label.Text!,
        CellKind.Integer when encoding == LabelEncoding.Names => label.Integer.ToString(CultureInfo.InvariantCulture),
        CellKind.Integer => throw TtLoraException.InFile(path, $"{record.Location}: label {label.Integer} is an index but earlier labels are names; use one kind, or set the label encoding"),
        _ => throw TtLoraException.InFile(path, $"{record.Location}: label is {label.Describe()}, expected a name or an index"),
    };

    static long LabelNumber(string path, RawRecord record, CellValue label)
    {
        if (label.Kind == CellKind.Integer) return label.Integer;
        if (label.Kind == CellKind.String
            && long.TryParse(label.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value)) return value;
        throw TtLoraException.InFile(path, $"{record.Location}: label is {label.Describe()}, expected an integer index");
    }

    static CellValue Cell(RawRecord record, string column) =>
        record.Cells.TryGetValue(column, out var value) ? value : CellValue.Null;

    static string RequiredString(string path, RawRecord record, string column) =>
        OptionalString(path, record, column) ?? throw Missing(path, record, column);

    static string? OptionalString(string path, RawRecord record, string column)
    {
        var cell = Cell(record, column);
        return cell.Kind switch
        {
            CellKind.Null => null,
            CellKind.String => cell.Text,
            CellKind.Integer => cell.Integer.ToString(CultureInfo.InvariantCulture),
            _ => throw TtLoraException.InFile(path, $"{record.Location}: column '{column}' holds {cell.Describe()}, expected a string"),
        };
    }

    static TtLoraException Missing(string path, RawRecord record, string column) =>
        TtLoraException.InFile(path, $"{record.Location}: missing value for column '{column}'");
}

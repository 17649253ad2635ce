using System.Text.Json.Nodes;
using Parquet;
using Parquet.Schema;

namespace TtLora.Core.Data;

/// <summary>
/// Reads Parquet (the native format of Hugging Face datasets). Text columns must be strings; labels strings or
/// integers. Without explicit label names, the names of a Hugging Face ClassLabel feature stored in the file's
/// "huggingface" metadata are used.
/// </summary>
public static class ParquetExampleReader
{
    public static LabelledData Read(string path, ExampleReaderOptions? options = null) =>
        ReadAsync(path, options).GetAwaiter().GetResult();

    public static async Task<LabelledData> ReadAsync(string path, ExampleReaderOptions? options = null, CancellationToken cancellation = default)
    {
        options ??= new ExampleReaderOptions();
        if (!File.Exists(path)) throw TtLoraException.InFile(path, "file not found");
        await using var stream = File.OpenRead(path);
        ParquetReader reader;
        try
        {
            reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellation);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw TtLoraException.InFile(path, $"not a readable Parquet file ({e.Message})");
        }
        await using (reader)
        {
            var topLevel = reader.Schema.Fields.Select(f => f.Name).ToArray();
            if (reader.RowGroups.Sum(g => g.RowCount) == 0) throw TtLoraException.InFile(path, "the file is empty: it holds no records");
            ExampleAssembler.RequireColumns(path, topLevel, options);
            var fields = new Dictionary<string, DataField>(StringComparer.Ordinal);
            foreach (var name in ExampleAssembler.WantedColumns(options))
            {
                if (reader.Schema.Fields.First(f => f.Name == name) is not DataField field || field.IsArray)
                    throw TtLoraException.InFile(path, $"column '{name}' is a nested or list column; only plain string or integer columns can be read");
                fields[name] = field;
            }

            var records = new List<RawRecord>();
            for (int g = 0; g < reader.RowGroupCount; g++)
            try
            {
                using var group = reader.OpenRowGroupReader(g);
                int rows = checked((int)group.RowCount);
                var columns = new Dictionary<string, CellValue[]>(StringComparer.Ordinal);
                foreach (var (name, field) in fields)
                    columns[name] = await ReadColumn(path, group, field, rows, options, records.Count, cancellation);
                for (int r = 0; r < rows; r++)
                {
                    int number = records.Count + 1;
                    var cells = columns.ToDictionary(c => c.Key, c => c.Value[r], StringComparer.Ordinal);
                    records.Add(new RawRecord(number, $"row {number}", cells));
                }
            }
            catch (Exception e) when (e is not TtLoraException and not OperationCanceledException)
            {
                // Corrupt pages or headers surface as the library's own exceptions (Thrift, IO, overflow...).
                throw TtLoraException.InFile(path, $"row group {g + 1} of {reader.RowGroupCount} cannot be read ({e.GetType().Name}: {FirstLine(e.Message)})");
            }
            return ExampleAssembler.Assemble(path, topLevel, records, options, ClassLabelNames(reader, options.LabelColumn));
        }
    }

    static async Task<CellValue[]> ReadColumn(string path, ParquetRowGroupReader group, DataField field, int rows,
        ExampleReaderOptions options, int rowsBefore, CancellationToken cancellation)
    {
        var cells = new CellValue[rows];
        Type type = field.ClrType;
        if (type == typeof(ReadOnlyMemory<char>) || type == typeof(string))
        {
            var values = new ReadOnlyMemory<char>?[rows];
            await group.ReadAsync<ReadOnlyMemory<char>>(field, values.AsMemory(), cancellationToken: cancellation);
            for (int r = 0; r < rows; r++)
            {
                if (values[r] is not { } value) { cells[r] = CellValue.Null; continue; }
                string text = value.ToString();
                if (!options.AllowReplacementCharacter && text.Contains('\uFFFD'))
                    throw TtLoraException.InFile(path, $"row {rowsBefore + r + 1}: column '{field.Name}' is not valid UTF-8 (it decodes to U+FFFD replacement characters); set AllowReplacementCharacter to accept it");
                cells[r] = CellValue.Of(text);
            }
            return cells;
        }
        if (type == typeof(long)) return await Integers<long>(group, field, rows, v => v, cancellation);
        if (type == typeof(int)) return await Integers<int>(group, field, rows, v => v, cancellation);
        if (type == typeof(short)) return await Integers<short>(group, field, rows, v => v, cancellation);
        if (type == typeof(sbyte)) return await Integers<sbyte>(group, field, rows, v => v, cancellation);
        if (type == typeof(byte)) return await Integers<byte>(group, field, rows, v => v, cancellation);
        if (type == typeof(ushort)) return await Integers<ushort>(group, field, rows, v => v, cancellation);
        if (type == typeof(uint)) return await Integers<uint>(group, field, rows, v => v, cancellation);
        if (type == typeof(ulong)) return await Integers<ulong>(group, field, rows, v => v <= long.MaxValue ? (long)v
            : throw TtLoraException.InFile(path, $"column '{field.Name}': value {v} is too large for a label (at most {long.MaxValue})"), cancellation);
        string typeName = type.Name;
        for (int r = 0; r < rows; r++) cells[r] = CellValue.Unsupported($"{typeName} value");
        return cells;
    }

    static async Task<CellValue[]> Integers<T>(ParquetRowGroupReader group, DataField field, int rows, Func<T, long> widen,
        CancellationToken cancellation) where T : struct
    {
        var values = new T?[rows];
        await group.ReadAsync<T>(field, values.AsMemory(), cancellationToken: cancellation);
        return values.Select(v => v is { } value ? CellValue.Of(widen(value)) : CellValue.Null).ToArray();
    }

    static string FirstLine(string message) => message.Split('\n')[0].Trim();

    /// <summary>The names of a ClassLabel feature in the "huggingface" file metadata written by the datasets library.</summary>
    static IReadOnlyList<string>? ClassLabelNames(ParquetReader reader, string labelColumn)
    {
        if (!reader.CustomMetadata.TryGetValue("huggingface", out var json)) return null;
        try
        {
            var root = JsonNode.Parse(json);
            var feature = (root?["info"]?["features"] ?? root?["features"])?[labelColumn];
            if (feature?["names"] is not JsonArray names || feature["_type"]?.GetValue<string>() != "ClassLabel") return null;
            return names.Select(n => n?.GetValue<string>() ?? "").ToArray();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return null; // metadata is a hint only; the data still carries the indices
        }
    }
}

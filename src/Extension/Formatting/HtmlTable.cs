using System.Text;
using TtLora.Core;

namespace TtLora.Extension.Formatting;

/// <summary>
/// A table built row by row, with per-cell highlighting. Typical use:
/// <code>
/// var t = new HtmlTable("Experts", "task", "expert", "accuracy");
/// t.AddRow("sst2", "e1", 0.93);
/// t.HighlightBestInColumn(2);
/// string html = t.ToHtml();
/// </code>
/// </summary>
public sealed class HtmlTable
{
    readonly List<HtmlCell[]> _rows = [];

    /// <summary>A table with column headers; <paramref name="caption"/> (escaped) is shown above it when given.</summary>
    public HtmlTable(string? caption, params string[] columns)
    {
        if (columns.Length == 0) throw new TtLoraException($"HtmlTable '{caption}': give at least one column header.");
        Caption = caption;
        Columns = columns;
    }

    public string? Caption { get; }
    public IReadOnlyList<string> Columns { get; }
    public IReadOnlyList<IReadOnlyList<HtmlCell>> Rows => _rows;

    /// <summary>Appends a row; it must have one cell per column.</summary>
    public HtmlTable AddRow(params HtmlCell[] cells)
    {
        if (cells.Length != Columns.Count)
            throw new TtLoraException($"HtmlTable '{Caption}': row {_rows.Count} has {cells.Length} cells for {Columns.Count} columns ({string.Join(", ", Columns)}).");
        _rows.Add((HtmlCell[])cells.Clone());
        return this;
    }

    /// <summary>Sets the highlight of one cell.</summary>
    public HtmlTable HighlightCell(int row, int column, Highlight highlight)
    {
        CheckCell(row, column);
        _rows[row][column] = _rows[row][column].With(highlight);
        return this;
    }

    /// <summary>Marks the numerically best cell(s) of a column as <see cref="Highlight.Best"/>; ties are all marked.</summary>
    public HtmlTable HighlightBestInColumn(int column, bool higherIsBetter = true)
    {
        CheckColumn(column);
        MarkBest(Enumerable.Range(0, _rows.Count).Select(r => (r, column)), higherIsBetter);
        return this;
    }

    /// <summary>Marks the numerically best cell(s) of a row as <see cref="Highlight.Best"/> (e.g. the best expert for a task).</summary>
    /// <param name="fromColumn">First column compared (earlier columns may hold numbers of another kind).</param>
    public HtmlTable HighlightBestInRow(int row, bool higherIsBetter = true, int fromColumn = 0)
    {
        CheckCell(row, fromColumn);
        MarkBest(Enumerable.Range(fromColumn, Columns.Count - fromColumn).Select(c => (row, c)), higherIsBetter);
        return this;
    }

    public string ToHtml()
    {
        var s = new StringBuilder("<table class=\"ttl-table\">");
        if (Caption is not null) s.Append("<caption>").Append(Html.Encode(Caption)).Append("</caption>");
        s.Append("<thead><tr>");
        foreach (var column in Columns) s.Append("<th>").Append(Html.Encode(column)).Append("</th>");
        s.Append("</tr></thead><tbody>");
        foreach (var row in _rows)
        {
            s.Append("<tr>");
            foreach (var cell in row) AppendCell(s, cell);
            s.Append("</tr>");
        }
        return s.Append("</tbody></table>").ToString();
    }

    public override string ToString() => ToHtml();

    static void AppendCell(StringBuilder s, HtmlCell cell)
    {
        var classes = new List<string>(2);
        if (cell.Value is not null) classes.Add("num");
        if (HighlightClasses.ClassOf(cell.Highlight) is { } hl) classes.Add(hl);
        s.Append("<td");
        if (classes.Count > 0) s.Append(" class=\"").Append(string.Join(' ', classes)).Append('"');
        if (cell.Tooltip is not null) s.Append(" title=\"").Append(Html.Encode(cell.Tooltip)).Append('"');
        s.Append('>').Append(cell.Markup).Append("</td>");
    }

    void MarkBest(IEnumerable<(int Row, int Column)> cells, bool higherIsBetter)
    {
        var numeric = cells.Where(rc => _rows[rc.Row][rc.Column].Value is { } v && !double.IsNaN(v)).ToList();
        if (numeric.Count == 0) return;
        double best = higherIsBetter ? numeric.Max(rc => _rows[rc.Row][rc.Column].Value!.Value) : numeric.Min(rc => _rows[rc.Row][rc.Column].Value!.Value);
        foreach (var (r, c) in numeric.Where(rc => _rows[rc.Row][rc.Column].Value == best))
            _rows[r][c] = _rows[r][c].With(Highlight.Best);
    }

    void CheckCell(int row, int column)
    {
        if ((uint)row >= (uint)_rows.Count) throw Outside(row, column);
        CheckColumn(column);
    }

    void CheckColumn(int column)
    {
        if ((uint)column >= (uint)Columns.Count) throw Outside(null, column);
    }

    TtLoraException Outside(int? row, int column) => new(row is null
        ? $"HtmlTable '{Caption}': column {column} is outside the table's {Columns.Count} columns."
        : $"HtmlTable '{Caption}': cell ({row}, {column}) is outside the table of {_rows.Count} rows and {Columns.Count} columns.");
}

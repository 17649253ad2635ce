namespace TtLora.Core.Data;

/// <summary>One cell of a record as a reader found it, before it is interpreted as text or label.</summary>
readonly record struct CellValue(CellKind Kind, string? Text = null, long Integer = 0, string? TypeName = null)
{
    public static readonly CellValue Null = new(CellKind.Null);
    public static CellValue Of(string text) => new(CellKind.String, text);
    public static CellValue Of(long integer) => new(CellKind.Integer, Integer: integer);
    public static CellValue Unsupported(string typeName) => new(CellKind.Other, TypeName: typeName);

    /// <summary>How the value is shown in error messages.</summary>
    public string Describe() => Kind switch
    {
        CellKind.String => $"\"{(Text!.Length > 40 ? Text[..40] + "..." : Text)}\"",
        CellKind.Integer => Integer.ToString(System.Globalization.CultureInfo.InvariantCulture),
        CellKind.Null => "null",
        _ => $"a {TypeName}",
    };
}

enum CellKind
{
    Null,
    String,
    Integer,
    Other,
}

namespace TtLora.Core.Data;

/// <summary>A record with its 1-based number and where it is in the file ("line 7", "row 3").</summary>
sealed record RawRecord(int Number, string Location, IReadOnlyDictionary<string, CellValue> Cells);

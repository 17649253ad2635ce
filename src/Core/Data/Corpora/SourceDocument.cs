namespace TtLora.Core.Data;

/// <summary>
/// One document of a source corpus with its label: the unit that is assigned to a split. Its text is cleaned but
/// complete (line breaks kept); examples are cut from it. <paramref name="FixedSplit"/> is set when the corpus
/// ships its own train/test division.
/// </summary>
public sealed record SourceDocument(string Id, int Label, string Text, DataSplit? FixedSplit = null);

namespace TtLora.Core.Data;

/// <summary>One document of pretraining text: a unique id ("source/document"), the source name, the plain text.</summary>
public sealed record PretrainingDocument(string Id, string Source, string Text);

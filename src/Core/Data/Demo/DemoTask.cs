namespace TtLora.Core.Data;

/// <summary>One task of the offline demo suite: its definition, where its corpus comes from, and how to read it.</summary>
abstract class DemoTask
{
    /// <summary>Name, description and ordered label names.</summary>
    public abstract TaskDefinition Definition { get; }

    /// <summary>The package(s) the corpus comes from, for summaries and documentation.</summary>
    public abstract string Source { get; }

    /// <summary>How examples are cut from documents.</summary>
    public virtual PassagePolicy Passages => PassagePolicy.Leading;

    /// <summary>Every labelled document, in a deterministic order, fetching the corpus on first use.</summary>
    public abstract IReadOnlyList<SourceDocument> LoadDocuments(Action<string>? log);
}

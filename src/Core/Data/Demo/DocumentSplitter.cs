namespace TtLora.Core.Data;

/// <summary>
/// Assigns whole documents to splits, stratified by label and driven by a stable hash, so the division never
/// changes across runs or machines, all passages of a document stay together, and every split has about the
/// corpus's label balance even when a corpus has few documents. Within each label, documents are ordered by
/// SHA-256 of "task name \n document id"; the first 80% are train, the next 10% validation, the rest test.
/// A corpus's own division is kept: its test documents stay test, and of its training documents the first 10%
/// in hash order (per label) become validation.
/// </summary>
public static class DocumentSplitter
{
    public const double TrainFraction = 0.8;
    public const double ValidationFraction = 0.1;

    /// <summary>Share of a corpus's own training documents moved to validation.</summary>
    public const double ValidationFromTrainFraction = 0.1;

    /// <summary>The split of each document, in the order given.</summary>
    public static DataSplit[] Assign(string taskName, IReadOnlyList<SourceDocument> documents)
    {
        var splits = new DataSplit[documents.Count];
        var groups = Enumerable.Range(0, documents.Count)
            .Where(i => documents[i].FixedSplit is null or DataSplit.Train)
            .GroupBy(i => (documents[i].Label, Fixed: documents[i].FixedSplit is not null));
        foreach (var group in groups)
        {
            var ordered = group.OrderBy(i => StableHash.Of(taskName, documents[i].Id))
                .ThenBy(i => documents[i].Id, StringComparer.Ordinal).ToArray();
            int n = ordered.Length;
            if (group.Key.Fixed)
            {
                int validation = Round(n * ValidationFromTrainFraction);
                for (int r = 0; r < n; r++) splits[ordered[r]] = r < validation ? DataSplit.Validation : DataSplit.Train;
                continue;
            }
            int train = Round(n * TrainFraction), trainAndValidation = Round(n * (TrainFraction + ValidationFraction));
            for (int r = 0; r < n; r++)
                splits[ordered[r]] = r < train ? DataSplit.Train : r < trainAndValidation ? DataSplit.Validation : DataSplit.Test;
        }
        for (int i = 0; i < documents.Count; i++)
            if (documents[i].FixedSplit is DataSplit.Test or DataSplit.Validation) splits[i] = documents[i].FixedSplit!.Value;
        return splits;
    }

    static int Round(double value) => (int)Math.Floor(value + 0.5);
}

namespace TtLora.Core.Data;

/// <summary>
/// Turns a demo task's documents into train/validation/test examples: split by document, cut into bounded
/// passages, then de-duplicated. A text that occurs more than once is kept once, in the most held-out split it
/// occurs in (test, then validation, then train), so no evaluation text is also a training text; a text carrying
/// two different labels is dropped everywhere as ambiguous.
/// </summary>
static class DemoTaskBuilder
{
    public static TaskSplits Build(DemoTask task, IReadOnlyList<SourceDocument> documents, Action<string>? log = null)
    {
        string name = task.Definition.Name;
        var candidates = new List<(DataSplit Split, LabelledExample Example)>();
        var seenIds = new HashSet<string>(StringComparer.Ordinal);
        var splits = DocumentSplitter.Assign(name, documents);
        for (int d = 0; d < documents.Count; d++)
        {
            var (document, split) = (documents[d], splits[d]);
            if (!seenIds.Add(document.Id)) throw new TtLoraException($"task '{name}': document id '{document.Id}' occurs twice in the corpus");
            var passages = task.Passages.Cut(document.Text);
            for (int i = 0; i < passages.Count; i++)
            {
                string id = task.Passages.Windows ? $"{document.Id}#{i:D2}" : document.Id;
                candidates.Add((split, new LabelledExample(id, passages[i], document.Label, document.Id)));
            }
        }

        var keep = new HashSet<int>();
        int ambiguous = 0, repeated = 0;
        foreach (var group in candidates.Select((c, index) => (c, index)).GroupBy(x => x.c.Example.Text, StringComparer.Ordinal))
        {
            var members = group.ToList();
            if (members.Select(m => m.c.Example.Label).Distinct().Count() > 1) { ambiguous += members.Count; continue; }
            var chosen = members.OrderByDescending(m => (int)m.c.Split).ThenBy(m => m.index).First();
            keep.Add(chosen.index);
            repeated += members.Count - 1;
        }
        if (ambiguous + repeated > 0)
            log?.Invoke($"{name}: dropped {repeated} repeated and {ambiguous} ambiguously labelled passages");

        List<LabelledExample> Split(DataSplit split) =>
            candidates.Where((c, index) => c.Split == split && keep.Contains(index)).Select(c => c.Example).ToList();
        return new TaskSplits(task.Definition, Split(DataSplit.Train), Split(DataSplit.Validation), Split(DataSplit.Test));
    }
}

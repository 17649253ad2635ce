namespace TtLora.Core.Data;

/// <summary>
/// <c>fortune-category</c>: which fortune(6) collection is a quote from? Debian <c>fortunes</c>
/// (<c>/usr/share/games/fortunes/*</c>, entries separated by lines holding only <c>%</c>). Five topical
/// collections with several hundred entries each are used: <c>computers</c>, <c>men-women</c>, <c>politics</c>,
/// <c>science</c>, <c>songs-poems</c>. Terminal overstrike is removed; examples are the first 96 words of an
/// entry (entries under 3 words are skipped); split by entry. A quote found in two collections is dropped.
/// </summary>
sealed class FortuneCategoryTask : DemoTask
{
    const string Package = "fortunes";
    static readonly string[] Categories = ["computers", "men-women", "politics", "science", "songs-poems"];

    public override TaskDefinition Definition { get; } = new("fortune-category",
        "Which fortune collection is a quote from: computers, men-women, politics, science or songs-poems?",
        Categories);

    public override string Source => $"Debian {Package}";

    public override IReadOnlyList<SourceDocument> LoadDocuments(Action<string>? log)
    {
        string folder = Path.Combine(DebianPackageCache.Get(Package, log), "usr", "share", "games", "fortunes");
        var documents = new List<SourceDocument>();
        for (int label = 0; label < Categories.Length; label++)
        {
            string file = Path.Combine(folder, Categories[label]);
            var entries = Entries(StrictUtf8.ReadFile(file));
            for (int i = 0; i < entries.Count; i++)
                documents.Add(new SourceDocument($"{Categories[label]}/{i:D4}", label, entries[i]));
        }
        return documents;
    }

    /// <summary>The entries of a fortune file, overstrike removed, surrounding blank lines trimmed.</summary>
    public static List<string> Entries(string file)
    {
        var entries = new List<string>();
        var current = new List<string>();
        foreach (var line in PlainText.RemoveOverstrike(file.Replace("\r\n", "\n")).Split('\n'))
        {
            if (line == "%")
            {
                AddEntry(entries, current);
                continue;
            }
            current.Add(line.TrimEnd());
        }
        AddEntry(entries, current);
        return entries;
    }

    static void AddEntry(List<string> entries, List<string> lines)
    {
        string entry = string.Join('\n', lines).Trim('\n', ' ', '\t');
        if (entry.Length > 0) entries.Add(entry);
        lines.Clear();
    }
}

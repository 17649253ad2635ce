using System.Text;
using System.Text.Json;

namespace TtLora.Core.Tests.Tokenizers;

/// <summary>What Hugging Face's JavaScript tokenizers produce for one text.</summary>
internal sealed record HfReferenceResult(
    string Text,
    int[] Ids,
    string[] Tokens,
    int[] PlainIds,
    string[] PlainTokens,
    string Decoded,
    string DecodedSkipSpecial);

/// <summary>Runs tests/fixtures/tokenizers/hf_reference.mjs under node.</summary>
internal static class HfReference
{
    /// <summary>
    /// A JSON array of the texts with every non-ASCII UTF-16 unit escaped, so that even unpaired
    /// surrogates reach node as they are (System.Text.Json would replace them with U+FFFD).
    /// </summary>
    private static string ToJsonArray(IReadOnlyList<string> texts)
    {
        var builder = new StringBuilder("[");
        for (int i = 0; i < texts.Count; i++)
        {
            if (i > 0) builder.Append(',');
            builder.Append('"');
            foreach (char c in texts[i])
            {
                if (c is >= ' ' and <= '~' and not '"' and not '\\') builder.Append(c);
                else builder.Append($"\\u{(int)c:X4}");
            }
            builder.Append('"');
        }
        return builder.Append(']').ToString();
    }

    public static IReadOnlyList<HfReferenceResult> Encode(string tokenizerJson, IReadOnlyList<string> texts)
    {
        string script = Path.Combine(ReferencePackages.RepositoryRoot(), "tests", "fixtures", "tokenizers", "hf_reference.mjs");
        string hfPackage = ReferencePackages.PackageDirectory(ReferencePackages.HfTokenizers);
        string temp = Path.Combine(Path.GetTempPath(), $"ttlora-tok-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            string textsFile = Path.Combine(temp, "texts.json");
            File.WriteAllText(textsFile, ToJsonArray(texts));
            var (exitCode, output, error) = ReferencePackages.Run("node", temp, script, hfPackage, tokenizerJson, textsFile);
            if (exitCode != 0)
                throw new InvalidOperationException($"node {Path.GetFileName(script)} failed (exit {exitCode}): {error.Trim()}");
            using var document = JsonDocument.Parse(output);
            var results = new List<HfReferenceResult>();
            foreach (var item in document.RootElement.EnumerateArray())
            {
                // The echoed "text" is not read back: System.Text.Json rejects unpaired surrogates.
                results.Add(new HfReferenceResult(
                    texts[results.Count],
                    item.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                    item.GetProperty("tokens").EnumerateArray().Select(e => e.GetString()!).ToArray(),
                    item.GetProperty("plain_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                    item.GetProperty("plain_tokens").EnumerateArray().Select(e => e.GetString()!).ToArray(),
                    item.GetProperty("decoded").GetString()!,
                    item.GetProperty("decoded_skip_special").GetString()!));
            }
            if (results.Count != texts.Count)
                throw new InvalidOperationException($"node returned {results.Count} results for {texts.Count} texts");
            return results;
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }
}

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
    public static IReadOnlyList<HfReferenceResult> Encode(string tokenizerJson, IReadOnlyList<string> texts)
    {
        string script = Path.Combine(ReferencePackages.RepositoryRoot(), "tests", "fixtures", "tokenizers", "hf_reference.mjs");
        string hfPackage = ReferencePackages.PackageDirectory(ReferencePackages.HfTokenizers);
        string temp = Path.Combine(Path.GetTempPath(), $"ttlora-tok-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            string textsFile = Path.Combine(temp, "texts.json");
            File.WriteAllText(textsFile, JsonSerializer.Serialize(texts));
            var (exitCode, output, error) = ReferencePackages.Run("node", temp, script, hfPackage, tokenizerJson, textsFile);
            if (exitCode != 0)
                throw new InvalidOperationException($"node {Path.GetFileName(script)} failed (exit {exitCode}): {error.Trim()}");
            using var document = JsonDocument.Parse(output);
            var results = new List<HfReferenceResult>();
            foreach (var item in document.RootElement.EnumerateArray())
            {
                results.Add(new HfReferenceResult(
                    item.GetProperty("text").GetString()!,
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

using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TtLora.Core.Data;

/// <summary>
/// Downloads the Parquet files of a Hugging Face dataset split and keeps them in the cache.
/// <para>
/// Layout used (the Hub's Parquet conversion): <c>GET {endpoint}/api/datasets/{repo}/parquet/{config}/{split}</c>
/// returns a JSON list of shard URLs, which redirect to
/// <c>{endpoint}/datasets/{repo}/resolve/refs%2Fconvert%2Fparquet/{config}/{split}/0000.parquet</c>, 0001, ...
/// When the listing API is absent (404, e.g. a plain file mirror), the resolve URLs are tried directly.
/// </para>
/// <para>
/// Cache: <c>hf-datasets/{owner}--{name}/{revision}/{config}/{split}/0000.parquet</c> plus a manifest written last;
/// once the manifest exists no network is used. Shards are downloaded to ".part" files, resumed with HTTP ranges
/// after an interruption, and renamed into place when complete.
/// </para>
/// </summary>
public static class HubDatasets
{
    /// <summary>The cached Parquet shards of one split, in order, downloading them on first use.</summary>
    public static IReadOnlyList<string> DownloadParquet(string repo, string config, string split, HubDatasetOptions? options = null)
    {
        options ??= new HubDatasetOptions();
        ValidateName("dataset repo", repo, allowOneSlash: true);
        ValidateName("config", config, allowOneSlash: false);
        ValidateName("split", split, allowOneSlash: false);
        string folder = Path.Combine(options.ResolvedCacheRoot, repo.Replace("/", "--"), options.Revision.Replace("/", "--"), config, split);
        string manifest = Path.Combine(folder, "manifest.json");
        if (ReadManifest(folder, manifest) is { } cached) return cached;

        using var fileLock = CacheLock.Acquire(folder + ".lock");
        if (ReadManifest(folder, manifest) is { } done) return done;
        Directory.CreateDirectory(folder);

        string endpoint = options.ResolvedEndpoint;
        string what = $"dataset '{repo}' config '{config}' split '{split}'";
        using var http = new HubHttp(endpoint, options.ResolvedToken, options.Timeout);
        var files = new List<string>();
        try
        {
            var listed = ListShards(http, endpoint, repo, config, split, options.Revision, what);
            if (listed is not null)
            {
                for (int i = 0; i < listed.Count; i++)
                {
                    string file = Path.Combine(folder, $"{i:D4}.parquet");
                    if (Fetch(http, listed[i], file, what, options.Log) == FetchResult.NotFound)
                        throw new TtLoraException($"{what}: shard {listed[i]} listed by {endpoint} is missing (HTTP 404)");
                    files.Add(file);
                }
            }
            else
            {
                // No listing API: walk the resolve URLs until the first missing shard.
                for (int i = 0; ; i++)
                {
                    var uri = new Uri($"{endpoint}/datasets/{repo}/resolve/{Uri.EscapeDataString(options.Revision)}/{Uri.EscapeDataString(config)}/{Uri.EscapeDataString(split)}/{i:D4}.parquet");
                    string file = Path.Combine(folder, $"{i:D4}.parquet");
                    if (Fetch(http, uri, file, what, options.Log) == FetchResult.NotFound) break;
                    files.Add(file);
                }
                if (files.Count == 0)
                    throw new TtLoraException($"{what} not found at {endpoint} (revision {options.Revision}): check the repo id, config and split names (HTTP 404)");
            }
        }
        catch (HttpRequestException e)
        {
            throw new TtLoraException($"{what}: cannot reach {endpoint} ({e.Message}); set HF_ENDPOINT to a reachable mirror or copy the files into {folder}");
        }
        catch (TaskCanceledException)
        {
            throw new TtLoraException($"{what}: {endpoint} did not answer within {options.Timeout}");
        }

        var record = new JsonObject
        {
            ["repo"] = repo, ["config"] = config, ["split"] = split, ["revision"] = options.Revision, ["endpoint"] = endpoint,
            ["files"] = new JsonArray(files.Select(f => (JsonNode)Path.GetFileName(f)!).ToArray()),
        };
        AtomicFile.WriteAllText(manifest, record.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return files;
    }

    /// <summary>Downloads (or reuses) a split and reads all its shards as labelled examples.</summary>
    public static LabelledData Load(string repo, string config, string split, ExampleReaderOptions readerOptions, HubDatasetOptions? options = null)
    {
        var examples = new List<LabelledExample>();
        IReadOnlyList<string>? names = readerOptions.LabelNames;
        foreach (var file in DownloadParquet(repo, config, split, options))
        {
            // The first shard fixes the label names, so every shard's indices mean the same labels.
            var data = ParquetExampleReader.Read(file, readerOptions with { LabelNames = names });
            names ??= data.LabelNames;
            examples.AddRange(data.Examples);
        }
        return new LabelledData($"{repo}/{config}/{split}", names!, examples);
    }

    static List<Uri>? ListShards(HubHttp http, string endpoint, string repo, string config, string split, string revision, string what)
    {
        if (revision != HubDatasetOptions.ParquetRevision) return null; // the listing API only describes the conversion branch
        var uri = new Uri($"{endpoint}/api/datasets/{repo}/parquet/{Uri.EscapeDataString(config)}/{Uri.EscapeDataString(split)}");
        using var response = http.Get(uri);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        FailUnlessSuccess(response, uri, what);
        string body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        try
        {
            if (JsonNode.Parse(body) is JsonArray urls && urls.Count > 0)
                return urls.Select(u => new Uri(uri, u!.GetValue<string>())).ToList();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or UriFormatException)
        {
        }
        throw new TtLoraException($"{what}: {uri} did not return a list of Parquet URLs (got: {(body.Length > 200 ? body[..200] : body)})");
    }

    enum FetchResult { Done, NotFound }

    /// <summary>Downloads <paramref name="uri"/> to <paramref name="destination"/> unless it is already there, resuming a partial download.</summary>
    static FetchResult Fetch(HubHttp http, Uri uri, string destination, string what, Action<string>? log)
    {
        if (File.Exists(destination)) return FetchResult.Done; // only complete shards are ever renamed into place
        string part = destination + ".part";
        for (int attempt = 0; attempt < 2; attempt++)
        {
            long have = File.Exists(part) ? new FileInfo(part).Length : 0;
            using var response = http.Get(uri, have);
            if (response.StatusCode == HttpStatusCode.NotFound) return FetchResult.NotFound;
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && have > 0)
            {
                File.Delete(part); // the partial file does not match the server's file; start over
                continue;
            }
            FailUnlessSuccess(response, uri, what);
            bool append = have > 0 && response.StatusCode == HttpStatusCode.PartialContent
                && response.Content.Headers.ContentRange?.From == have;
            long? expected = response.Content.Headers.ContentLength is { } length ? length + (append ? have : 0) : null;
            log?.Invoke(append ? $"resuming {uri} at byte {have}" : $"downloading {uri}");
            try
            {
                using var output = new FileStream(part, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None);
                using var input = response.Content.ReadAsStream();
                input.CopyTo(output);
                output.Flush(flushToDisk: true);
            }
            catch (IOException e)
            {
                long kept = File.Exists(part) ? new FileInfo(part).Length : 0;
                throw new TtLoraException($"{what}: download of {uri} was interrupted after {kept} bytes ({e.Message}); run again to resume");
            }
            long size = new FileInfo(part).Length;
            if (expected is { } total && size != total)
                throw new TtLoraException($"{what}: download of {uri} ended at {size} of {total} bytes; run again to resume");
            CheckParquetMagic(part, uri, what);
            File.Move(part, destination, overwrite: true);
            return FetchResult.Done;
        }
        throw new TtLoraException($"{what}: {uri} refused to resume or restart the download");
    }

    static void CheckParquetMagic(string path, Uri uri, string what)
    {
        using var file = File.OpenRead(path);
        Span<byte> head = stackalloc byte[4], tail = stackalloc byte[4];
        bool ok = file.Length >= 12 && file.Read(head) == 4;
        if (ok) { file.Seek(-4, SeekOrigin.End); ok = file.Read(tail) == 4; }
        if (!ok || !head.SequenceEqual("PAR1"u8) || !tail.SequenceEqual("PAR1"u8))
        {
            file.Dispose();
            File.Delete(path);
            throw new TtLoraException($"{what}: {uri} did not return a Parquet file (missing PAR1 markers)");
        }
    }

    static void FailUnlessSuccess(HttpResponseMessage response, Uri uri, string what)
    {
        if (response.IsSuccessStatusCode) return;
        int status = (int)response.StatusCode;
        string hint = status is 401 or 403 ? "; the dataset may be gated or private: set HF_TOKEN to an access token" : "";
        throw new TtLoraException($"{what}: {uri} answered HTTP {status} {response.ReasonPhrase}{hint}");
    }

    static List<string>? ReadManifest(string folder, string manifest)
    {
        if (!File.Exists(manifest)) return null;
        try
        {
            var files = (JsonNode.Parse(File.ReadAllText(manifest))?["files"] as JsonArray)?
                .Select(f => Path.Combine(folder, f!.GetValue<string>())).ToList();
            return files is { Count: > 0 } && files.All(File.Exists) ? files : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null; // a damaged manifest just means downloading again
        }
    }

    static void ValidateName(string what, string value, bool allowOneSlash)
    {
        bool ok = !string.IsNullOrWhiteSpace(value) && value.Count(c => c == '/') <= (allowOneSlash ? 1 : 0)
            && !value.Contains('\\') && value.Split('/').All(part => part.Length > 0 && part != "." && part != "..");
        if (!ok) throw new TtLoraException($"Hugging Face {what} '{value}' is not valid (expected {(allowOneSlash ? "'name' or 'owner/name'" : "a plain name")})");
    }
}

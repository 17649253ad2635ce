using TtLora.Core.Data;

namespace TtLora.Core.Tests.Data;

/// <summary>Hub downloads against a loopback server serving the Hub's Parquet layout; nothing leaves the machine.</summary>
public sealed class HubDatasetsTests : IDisposable
{
    readonly DataTempFolder _folder = new();

    static readonly string[] Labels = ["negative", "positive"];

    byte[] Shard(string name, params (string Text, int Label)[] rows)
    {
        string path = _folder.File(name);
        ExampleFiles.Write(path, rows.Select((r, i) => new LabelledExample($"{name}-{i}", r.Text, r.Label)).ToArray(), Labels);
        return File.ReadAllBytes(path);
    }

    HubDatasetOptions Options(string endpoint, string? token = null) =>
        new() { Endpoint = endpoint, Token = token, CacheRoot = _folder.File("cache") };

    [Fact]
    public void DownloadsAllShardsThenServesThemFromTheCacheWithoutTheServer()
    {
        var first = Shard("a.parquet", ("good film", 1), ("dull", 0));
        var second = Shard("b.parquet", ("great", 1));
        var server = new LoopbackHubServer();
        server.AddSplit("stanfordnlp/sst2", "default", "train", first, second);

        var files = HubDatasets.DownloadParquet("stanfordnlp/sst2", "default", "train", Options(server.Endpoint, token: "hf_secret"));

        Assert.Equal(2, files.Count);
        Assert.Equal(first, File.ReadAllBytes(files[0]));
        Assert.Equal(second, File.ReadAllBytes(files[1]));
        Assert.Equal(Path.Combine(_folder.File("cache"), "stanfordnlp--sst2", "refs--convert--parquet", "default", "train", "0000.parquet"), files[0]);
        Assert.Equal("/api/datasets/stanfordnlp/sst2/parquet/default/train", server.Requests[0].Path);
        Assert.Contains(server.Requests, r => r.Path == "/datasets/stanfordnlp/sst2/resolve/refs%2Fconvert%2Fparquet/default/train/0001.parquet");
        Assert.All(server.Requests, r => Assert.Equal("Bearer hf_secret", r.Authorization)); // kept across the same-host redirect
        int requests = server.Requests.Count;
        server.Dispose();

        var again = HubDatasets.DownloadParquet("stanfordnlp/sst2", "default", "train", Options(server.Endpoint));
        var data = HubDatasets.Load("stanfordnlp/sst2", "default", "train", new ExampleReaderOptions(), Options(server.Endpoint));

        Assert.Equal(files, again);
        Assert.Equal(requests, server.Requests.Count);
        Assert.Equal(["good film", "dull", "great"], data.Examples.Select(e => e.Text));
        Assert.Equal([1, 0, 1], data.Examples.Select(e => e.Label));
        Assert.Equal(Labels, data.LabelNames);
    }

    [Fact]
    public void MissingSplitGivesAnErrorNamingRepoConfigAndSplit()
    {
        using var server = new LoopbackHubServer();
        server.AddSplit("glue", "sst2", "train", Shard("a.parquet", ("x", 0)));

        var error = Assert.Throws<TtLoraException>(() => HubDatasets.DownloadParquet("glue", "sst2", "tset", Options(server.Endpoint)));

        Assert.StartsWith($"dataset 'glue' config 'sst2' split 'tset' not found at {server.Endpoint}", error.Message);
        Assert.False(File.Exists(Path.Combine(_folder.File("cache"), "glue", "refs--convert--parquet", "sst2", "tset", "manifest.json")));
    }

    [Fact]
    public void WithoutTheListingApiTheResolveUrlsAreWalked()
    {
        using var server = new LoopbackHubServer(listingApi: false);
        var shards = new[] { Shard("a.parquet", ("x", 0)), Shard("b.parquet", ("y", 1)), Shard("c.parquet", ("z", 1)) };
        server.AddSplit("org/data", "default", "validation", shards);

        var files = HubDatasets.DownloadParquet("org/data", "default", "validation", Options(server.Endpoint));

        Assert.Equal(shards, files.Select(File.ReadAllBytes));
        Assert.Equal("/datasets/org/data/resolve/refs%2Fconvert%2Fparquet/default/validation/0003.parquet", server.Requests[^1].Path);
        Assert.All(server.Requests, r => Assert.Null(r.Authorization));
    }

    [Fact]
    public void AnInterruptedDownloadResumesFromThePartialFile()
    {
        var shard = Shard("a.parquet", Enumerable.Range(0, 300).Select(i => ($"example number {i}", i % 2)).ToArray());
        using var server = new LoopbackHubServer();
        server.AddSplit("org/big", "default", "train", shard);
        server.TruncateAfter = shard.Length / 3;

        Assert.Throws<TtLoraException>(() => HubDatasets.DownloadParquet("org/big", "default", "train", Options(server.Endpoint)));
        string part = Path.Combine(_folder.File("cache"), "org--big", "refs--convert--parquet", "default", "train", "0000.parquet.part");
        long partial = new FileInfo(part).Length;
        Assert.InRange(partial, 1, shard.Length - 1);

        server.TruncateAfter = null;
        var files = HubDatasets.DownloadParquet("org/big", "default", "train", Options(server.Endpoint));

        Assert.Equal(shard, File.ReadAllBytes(files.Single()));
        Assert.Equal($"bytes={partial}-", server.Requests[^1].Range);
        Assert.False(File.Exists(part));
    }

    [Fact]
    public void EndpointComesFromHfEndpointWhenNotGiven()
    {
        using var server = new LoopbackHubServer();
        server.AddSplit("org/env", "default", "train", Shard("a.parquet", ("x", 0)));
        string? before = Environment.GetEnvironmentVariable("HF_ENDPOINT");
        try
        {
            Environment.SetEnvironmentVariable("HF_ENDPOINT", server.Endpoint + "/");
            var files = HubDatasets.DownloadParquet("org/env", "default", "train", new HubDatasetOptions { CacheRoot = _folder.File("cache") });
            Assert.Single(files);
            Assert.NotEmpty(server.Requests);
        }
        finally
        {
            Environment.SetEnvironmentVariable("HF_ENDPOINT", before);
        }
    }

    [Fact]
    public void InvalidNamesAndUnreachableEndpointsAreClearErrors()
    {
        var bad = Assert.Throws<TtLoraException>(() => HubDatasets.DownloadParquet("../etc", "default", "train", Options("http://127.0.0.1:9")));
        Assert.Equal("Hugging Face dataset repo '../etc' is not valid (expected 'name' or 'owner/name')", bad.Message);

        var port = new LoopbackHubServer();
        string endpoint = port.Endpoint;
        port.Dispose(); // nothing listens there any more
        var unreachable = Assert.Throws<TtLoraException>(() => HubDatasets.DownloadParquet("org/x", "default", "train", Options(endpoint)));
        Assert.StartsWith($"dataset 'org/x' config 'default' split 'train': cannot reach {endpoint}", unreachable.Message);
    }

    public void Dispose() => _folder.Dispose();
}

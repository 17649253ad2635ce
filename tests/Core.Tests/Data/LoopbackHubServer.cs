using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TtLora.Core.Tests.Data;

/// <summary>
/// A tiny stand-in for the Hugging Face Hub on 127.0.0.1: the Parquet listing API, its per-shard redirects and the
/// resolve URLs of the conversion branch, with byte ranges. Records every request it answers.
/// </summary>
public sealed class LoopbackHubServer : IDisposable
{
    readonly HttpListener _listener = new();
    readonly Dictionary<string, byte[]> _resolveFiles = new(StringComparer.Ordinal);
    readonly Task _loop;

    public LoopbackHubServer(bool listingApi = true)
    {
        ListingApi = listingApi;
        Port = FreePort();
        Endpoint = $"http://127.0.0.1:{Port}";
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _loop = Task.Run(Serve);
    }

    public int Port { get; }
    public string Endpoint { get; }
    public bool ListingApi { get; }

    /// <summary>Requests seen: raw path, Authorization header, Range header.</summary>
    public List<(string Path, string? Authorization, string? Range)> Requests { get; } = [];

    /// <summary>Cut every resolve response after this many bytes (simulates a dropped connection).</summary>
    public int? TruncateAfter { get; set; }

    /// <summary>Serves <paramref name="shards"/> as <c>{config}/{split}/0000.parquet</c>, 0001, ... of <paramref name="repo"/>.</summary>
    public void AddSplit(string repo, string config, string split, params byte[][] shards)
    {
        for (int i = 0; i < shards.Length; i++)
            _resolveFiles[$"/datasets/{repo}/resolve/refs%2Fconvert%2Fparquet/{config}/{split}/{i:D4}.parquet"] = shards[i];
    }

    async Task Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            try
            {
                Answer(context);
            }
            catch (Exception e) when (e is HttpListenerException or IOException)
            {
                // The client went away (e.g. after a truncated body); keep serving.
            }
        }
    }

    void Answer(HttpListenerContext context)
    {
        string path = context.Request.RawUrl!.Split('?')[0];
        lock (Requests) Requests.Add((path, context.Request.Headers["Authorization"], context.Request.Headers["Range"]));
        var response = context.Response;
        const string api = "/api/datasets/";
        if (ListingApi && path.StartsWith(api, StringComparison.Ordinal) && path.EndsWith(".parquet", StringComparison.Ordinal))
        {
            // /api/datasets/{repo}/parquet/{config}/{split}/{n}.parquet -> resolve URL of shard n
            string[] parts = path[api.Length..].Split('/');
            int n = int.Parse(Path.GetFileNameWithoutExtension(parts[^1]));
            string repo = string.Join('/', parts[..^4]);
            response.StatusCode = 302;
            response.RedirectLocation = $"/datasets/{repo}/resolve/refs%2Fconvert%2Fparquet/{parts[^3]}/{parts[^2]}/{n:D4}.parquet";
            response.Close();
            return;
        }
        if (ListingApi && path.StartsWith(api, StringComparison.Ordinal))
        {
            // /api/datasets/{repo}/parquet/{config}/{split} -> list of shard URLs
            string[] parts = path[api.Length..].Split('/');
            string repo = string.Join('/', parts[..^3]);
            string prefix = $"/datasets/{repo}/resolve/refs%2Fconvert%2Fparquet/{parts[^2]}/{parts[^1]}/";
            int count = _resolveFiles.Keys.Count(k => k.StartsWith(prefix, StringComparison.Ordinal));
            if (count == 0) { Send(response, 404, Encoding.UTF8.GetBytes("{\"error\":\"Not found\"}")); return; }
            var urls = Enumerable.Range(0, count).Select(i => $"\"{Endpoint}{api}{repo}/parquet/{parts[^2]}/{parts[^1]}/{i}.parquet\"");
            Send(response, 200, Encoding.UTF8.GetBytes("[" + string.Join(",", urls) + "]"));
            return;
        }
        if (!_resolveFiles.TryGetValue(path, out var bytes)) { Send(response, 404, Encoding.UTF8.GetBytes("Entry not found")); return; }
        long start = 0;
        string? range = context.Request.Headers["Range"];
        if (range is not null && range.StartsWith("bytes=", StringComparison.Ordinal))
        {
            start = long.Parse(range["bytes=".Length..].TrimEnd('-'));
            if (start >= bytes.Length) { Send(response, 416, []); return; }
            response.StatusCode = 206;
            response.Headers["Content-Range"] = $"bytes {start}-{bytes.Length - 1}/{bytes.Length}";
        }
        var body = bytes.AsSpan((int)start).ToArray();
        if (TruncateAfter is { } cut && cut < body.Length)
        {
            // Announce the full length but stop early, as a dropped connection does.
            response.ContentLength64 = body.Length;
            response.OutputStream.Write(body, 0, cut);
            response.Abort();
            return;
        }
        Send(response, range is null ? 200 : 206, body);
    }

    static void Send(HttpListenerResponse response, int status, byte[] body)
    {
        response.StatusCode = status;
        response.ContentLength64 = body.Length;
        response.OutputStream.Write(body);
        response.Close();
    }

    static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public void Dispose()
    {
        if (_listener.IsListening) _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}

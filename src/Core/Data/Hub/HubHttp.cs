using System.Net;
using System.Net.Http.Headers;

namespace TtLora.Core.Data;

/// <summary>
/// HTTP for the Hub: sends the token only to the endpoint's own host, and follows redirects itself so the token
/// survives a same-host redirect (the Parquet API redirects to the resolve URL) but is never sent to a CDN.
/// </summary>
sealed class HubHttp : IDisposable
{
    readonly HttpClient _client;
    readonly Uri _endpoint;
    readonly string? _token;

    public HubHttp(string endpoint, string? token, TimeSpan timeout)
    {
        _endpoint = new Uri(endpoint);
        _token = token;
        _client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None })
        {
            Timeout = timeout,
        };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("tt-lora/1.0");
    }

    /// <summary>GET with an optional byte range, following up to 10 redirects; the caller disposes the response.</summary>
    public HttpResponseMessage Get(Uri uri, long rangeStart = 0)
    {
        for (int hop = 0; hop <= 10; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            if (_token is not null && SameOrigin(uri, _endpoint))
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
            if (rangeStart > 0) request.Headers.Range = new RangeHeaderValue(rangeStart, null);
            var response = _client.Send(request, HttpCompletionOption.ResponseHeadersRead);
            int status = (int)response.StatusCode;
            if (status is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location)
            {
                uri = location.IsAbsoluteUri ? location : new Uri(uri, location);
                response.Dispose();
                continue;
            }
            return response;
        }
        throw new TtLoraException($"{uri}: more than 10 redirects");
    }

    static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme == b.Scheme && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    public void Dispose() => _client.Dispose();
}

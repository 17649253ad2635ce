using TtLora.Core.Packages;

namespace TtLora.Core.Data;

/// <summary>Where and how Hugging Face dataset files are fetched and cached.</summary>
public sealed record HubDatasetOptions
{
    /// <summary>The default Hub address.</summary>
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <summary>The branch where the Hub publishes every dataset converted to Parquet.</summary>
    public const string ParquetRevision = "refs/convert/parquet";

    /// <summary>Hub address; when null, <c>HF_ENDPOINT</c> (as Hugging Face's own libraries honour), else <see cref="DefaultEndpoint"/>.</summary>
    public string? Endpoint { get; init; }

    /// <summary>Access token sent as a Bearer header; when null, <c>HF_TOKEN</c>.</summary>
    public string? Token { get; init; }

    /// <summary>The revision to download from; the Parquet conversion branch by default.</summary>
    public string Revision { get; init; } = ParquetRevision;

    /// <summary>Cache folder; when null, the tool's cache directory under "hf-datasets".</summary>
    public string? CacheRoot { get; init; }

    /// <summary>Limit for each HTTP request.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Progress messages.</summary>
    public Action<string>? Log { get; init; }

    internal string ResolvedEndpoint
    {
        get
        {
            string? endpoint = Endpoint;
            if (string.IsNullOrWhiteSpace(endpoint)) endpoint = Environment.GetEnvironmentVariable("HF_ENDPOINT");
            if (string.IsNullOrWhiteSpace(endpoint)) endpoint = DefaultEndpoint;
            if (!Uri.TryCreate(endpoint.TrimEnd('/'), UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
                throw new TtLoraException($"Hub endpoint '{endpoint}' (option Endpoint or HF_ENDPOINT) is not an http(s) address");
            return uri.ToString().TrimEnd('/');
        }
    }

    internal string? ResolvedToken
    {
        get
        {
            string? token = Token;
            if (string.IsNullOrWhiteSpace(token)) token = Environment.GetEnvironmentVariable("HF_TOKEN");
            return string.IsNullOrWhiteSpace(token) ? null : token.Trim();
        }
    }

    internal string ResolvedCacheRoot => CacheRoot is not null ? Path.GetFullPath(CacheRoot) : Path.Combine(CacheDirectory.Root, "hf-datasets");
}

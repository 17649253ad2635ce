using System.Text.Json.Nodes;

namespace TtLora.Core.Cluster;

/// <summary>One submission round: the array job (with the indices it ran) and the dependent router job.</summary>
public sealed record SlurmAttempt(string? ArrayJobId, IReadOnlyList<int> Indices, string? RouterJobId, DateTimeOffset Submitted)
{
    public JsonObject ToJson() => new()
    {
        ["array_job"] = ArrayJobId,
        ["indices"] = new JsonArray(Indices.Select(i => (JsonNode?)i).ToArray()),
        ["router_job"] = RouterJobId,
        ["submitted"] = Submitted.ToString("O"),
    };

    public static SlurmAttempt FromJson(JsonNode json) => new(
        (string?)json["array_job"],
        json["indices"]!.AsArray().Select(i => (int)i!).ToArray(),
        (string?)json["router_job"],
        DateTimeOffset.Parse((string)json["submitted"]!, System.Globalization.CultureInfo.InvariantCulture));
}

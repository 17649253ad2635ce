using System.Text.Json.Nodes;

namespace TtLora.Core.Models;

/// <summary>
/// Hugging Face's <c>rope_scaling</c> block. Supported: <c>llama3</c> (Llama-3.1/3.2 frequency-band
/// rescaling) and <c>linear</c> (position interpolation); <c>default</c> means none.
/// </summary>
public sealed record RopeScaling(
    string RopeType,
    double Factor,
    double LowFreqFactor = 1.0,
    double HighFreqFactor = 4.0,
    int OriginalMaxPositionEmbeddings = 8192)
{
    internal void Validate(string source)
    {
        if (RopeType is not ("llama3" or "linear"))
            throw TtLoraException.InFile(source, $"field \"rope_scaling.rope_type\" is \"{RopeType}\"; supported: llama3, linear");
        if (Factor <= 0)
            throw TtLoraException.InFile(source, "field \"rope_scaling.factor\" must be positive");
        if (RopeType == "llama3" && !(HighFreqFactor > LowFreqFactor))
            throw TtLoraException.InFile(source, "field \"rope_scaling.high_freq_factor\" must be greater than low_freq_factor");
        if (RopeType == "llama3" && OriginalMaxPositionEmbeddings <= 0)
            throw TtLoraException.InFile(source, "field \"rope_scaling.original_max_position_embeddings\" must be positive");
    }

    internal static RopeScaling? Parse(JsonNode? node, string source)
    {
        if (node is null) return null;
        if (node is not JsonObject json)
            throw TtLoraException.InFile(source, "field \"rope_scaling\" must be an object or null");
        var r = new ConfigReader(json, source, "rope_scaling.");
        string type = r.OptionalString("rope_type") ?? r.OptionalString("type")
            ?? throw TtLoraException.InFile(source, "field \"rope_scaling.rope_type\" is missing");
        if (type == "default") return null;
        bool llama3 = type == "llama3";
        return new RopeScaling(
            type,
            r.OptionalDouble("factor") ?? throw TtLoraException.InFile(source, "field \"rope_scaling.factor\" is missing"),
            llama3 ? r.RequiredDouble("low_freq_factor") : 1.0,
            llama3 ? r.RequiredDouble("high_freq_factor") : 4.0,
            llama3 ? r.RequiredInt("original_max_position_embeddings") : 0);
    }

    internal JsonObject ToJson()
    {
        var json = new JsonObject { ["rope_type"] = RopeType, ["factor"] = Factor };
        if (RopeType == "llama3")
        {
            json["low_freq_factor"] = LowFreqFactor;
            json["high_freq_factor"] = HighFreqFactor;
            json["original_max_position_embeddings"] = OriginalMaxPositionEmbeddings;
        }
        return json;
    }
}

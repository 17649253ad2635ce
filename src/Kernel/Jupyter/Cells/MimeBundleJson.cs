using System.Text.Json;
using System.Text.Json.Nodes;

namespace TtLora.Kernel.Jupyter.Cells;

/// <summary>Turns a mime bundle (mime type to string or JSON) into the <c>data</c> object of a display message.</summary>
internal static class MimeBundleJson
{
    public static JsonObject From(IReadOnlyDictionary<string, object> bundle)
    {
        var data = new JsonObject();
        foreach (var (mime, value) in bundle)
        {
            data[mime] = value switch
            {
                string text => JsonValue.Create(text),
                // Nodes may belong to another tree (e.g. a result's cached JSON); a copy can be re-parented.
                JsonNode node => node.DeepClone(),
                _ => JsonSerializer.SerializeToNode(value),
            };
        }
        return data;
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace TtLora.Core;

/// <summary>
/// Parses the JSON files tt-lora reads (configs, manifests, headers) so that a duplicated key is a
/// <see cref="JsonException"/> at parse time, like any other malformed JSON, rather than a failure later when the
/// object is first used.
/// </summary>
public static class StrictJson
{
    static readonly JsonDocumentOptions Options = new() { AllowDuplicateProperties = false, MaxDepth = 256 };

    public static JsonNode? Parse(string text)
    {
        try
        {
            return JsonNode.Parse(text, documentOptions: Options);
        }
        catch (InvalidOperationException e)
        {
            // The duplicate check unescapes every key; a lone surrogate escape in one fails there.
            throw new JsonException(e.Message, e);
        }
    }
}

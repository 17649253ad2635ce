namespace TtLora.Core.Tokenizers;

/// <summary>When Metaspace puts a replacement character in front of a piece.</summary>
public enum PrependScheme
{
    /// <summary>Only in front of the piece that starts the input text.</summary>
    First,
    /// <summary>Never.</summary>
    Never,
    /// <summary>In front of every piece that does not already start with it.</summary>
    Always,
}

/// <summary>JSON names of <see cref="PrependScheme"/> values.</summary>
internal static class PrependSchemeJson
{
    public static string Name(PrependScheme scheme) => scheme.ToString().ToLowerInvariant();

    /// <summary>Reads <c>prepend_scheme</c>, honouring the older <c>add_prefix_space</c> flag.</summary>
    public static PrependScheme Read(System.Text.Json.JsonElement element, TokenizerJsonReader reader, string where)
    {
        var scheme = PrependScheme.Always;
        string? name = reader.OptionalString(element, "prepend_scheme", where);
        if (name is not null)
        {
            scheme = name switch
            {
                "first" => PrependScheme.First,
                "never" => PrependScheme.Never,
                "always" => PrependScheme.Always,
                _ => throw reader.Error($"{where}.prepend_scheme", $"unknown value '{name}' (expected first, never or always)"),
            };
        }
        if (TokenizerJsonReader.TryGet(element, "add_prefix_space", out _) && !reader.Bool(element, "add_prefix_space", where, true))
        {
            if (name is not null && scheme != PrependScheme.Never)
                throw reader.Error(where, $"add_prefix_space false contradicts prepend_scheme '{name}'");
            scheme = PrependScheme.Never;
        }
        return scheme;
    }
}

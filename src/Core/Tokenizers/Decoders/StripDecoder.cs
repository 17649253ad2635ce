using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>Removes up to <see cref="Start"/> leading and <see cref="Stop"/> trailing copies of a character from every token.</summary>
public sealed class StripDecoder : IDecoder
{
    /// <summary>Creates the decoder.</summary>
    public StripDecoder(string content, int start, int stop)
    {
        Content = content;
        Start = start;
        Stop = stop;
    }

    /// <summary>The character removed.</summary>
    public string Content { get; }

    /// <summary>How many leading copies at most.</summary>
    public int Start { get; }

    /// <summary>How many trailing copies at most.</summary>
    public int Stop { get; }

    /// <inheritdoc/>
    public List<string> DecodeChain(List<string> tokens) => tokens.ConvertAll(Strip);

    private string Strip(string token)
    {
        int begin = 0;
        for (int k = 0; k < Start && token.AsSpan(begin).StartsWith(Content, StringComparison.Ordinal); k++)
            begin += Content.Length;
        int end = token.Length;
        for (int k = 0; k < Stop && token.AsSpan(begin, end - begin).EndsWith(Content, StringComparison.Ordinal); k++)
            end -= Content.Length;
        return token[begin..end];
    }

    /// <inheritdoc/>
    public void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "Strip");
        writer.WriteString("content", Content);
        writer.WriteNumber("start", Start);
        writer.WriteNumber("stop", Stop);
        writer.WriteEndObject();
    }
}

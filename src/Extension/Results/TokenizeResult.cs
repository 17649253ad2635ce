using System.Text;
using System.Text.Json.Nodes;
using TtLora.Extension.Display;
using TtLora.Extension.Formatting;

namespace TtLora.Extension.Results;

/// <summary>A tokenization: ids and the vocabulary strings they stand for.</summary>
public sealed record TokenizeResult(IReadOnlyList<int> Ids, IReadOnlyList<string> Tokens) : ICommandResult
{
    public string ToText()
    {
        var text = new StringBuilder();
        text.AppendLine($"{Ids.Count} tokens");
        for (int i = 0; i < Ids.Count; i++)
            text.AppendLine($"{Ids[i],8}  {Visible(Tokens[i])}");
        return text.ToString().TrimEnd();
    }

    public JsonNode ToJson() => new JsonObject
    {
        ["ids"] = new JsonArray(Ids.Select(i => (JsonNode?)i).ToArray()),
        ["tokens"] = new JsonArray(Tokens.Select(t => (JsonNode?)t).ToArray()),
    };

    /// <summary>Shows control characters as escapes so a token made of whitespace is still readable.</summary>
    static string Visible(string token)
    {
        var s = new StringBuilder();
        foreach (char c in token)
            s.Append(c switch { '\n' => "\\n", '\t' => "\\t", '\r' => "\\r", _ when char.IsControl(c) => $"\\u{(int)c:x4}", _ => c.ToString() });
        return s.ToString();
    }

    /// <summary>The HTML view.</summary>
    public string ToHtml() => TokenizeView.ToHtml(this);
}

using TtLora.Extension.Results;

namespace TtLora.Extension.Formatting;

/// <summary>HTML for <see cref="TokenizeResult"/>: each token as a chip (whitespace visible) with its id underneath.</summary>
public static class TokenizeView
{
    public static string ToHtml(TokenizeResult result) => AppendTo(new HtmlOutput(), result).ToString();

    internal static HtmlOutput AppendTo(HtmlOutput output, TokenizeResult result)
    {
        output.AddText($"{result.Ids.Count} token{(result.Ids.Count == 1 ? "" : "s")}", muted: true);
        return output.Add(ChipList.ToHtml(Chips(result)));
    }

    static IEnumerable<Chip> Chips(TokenizeResult result)
    {
        for (int i = 0; i < result.Ids.Count; i++)
        {
            string token = i < result.Tokens.Count ? result.Tokens[i] : "";
            yield return new Chip(token, result.Ids[i].ToString(System.Globalization.CultureInfo.InvariantCulture), Tooltip: $"position {i}, id {result.Ids[i]}");
        }
    }
}

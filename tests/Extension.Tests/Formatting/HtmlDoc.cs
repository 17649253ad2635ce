using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace TtLora.Extension.Tests.Formatting;

/// <summary>Parses an HTML output as XML (after dropping script and style bodies, which are not XML) for structural checks.</summary>
internal static partial class HtmlDoc
{
    public static XElement Parse(string html)
    {
        string markup = ScriptOrStyle().Replace(html, m => $"<{m.Groups[1].Value}/>");
        return XElement.Parse(markup);
    }

    /// <summary>Elements by local name (SVG elements live in their own namespace).</summary>
    public static IEnumerable<XElement> All(this XElement root, string name) => root.DescendantsAndSelf().Where(e => e.Name.LocalName == name);

    public static string? Class(this XElement e) => e.Attribute("class")?.Value;

    public static bool HasClass(this XElement e, string cls) => (e.Class() ?? "").Split(' ').Contains(cls);

    public static int Count(string text, string part)
    {
        int count = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    [GeneratedRegex(@"<(script|style)\b[^>]*>.*?</\1>", RegexOptions.Singleline)]
    private static partial Regex ScriptOrStyle();
}

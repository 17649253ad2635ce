using System.Text;

namespace TtLora.Core.Data;

/// <summary>
/// Flattens several text fields into one input, e.g. <c>"premise: {premise} hypothesis: {hypothesis}"</c>.
/// Placeholders are field names in braces; <c>{{</c> and <c>}}</c> stand for literal braces.
/// </summary>
public sealed class TextTemplate
{
    readonly List<(bool IsField, string Value)> _parts;

    /// <summary>The template as written.</summary>
    public string Source { get; }

    /// <summary>The field names the template refers to, in order of first use.</summary>
    public IReadOnlyList<string> Fields { get; }

    TextTemplate(string source, List<(bool, string)> parts)
    {
        Source = source;
        _parts = parts;
        Fields = parts.Where(p => p.Item1).Select(p => p.Item2).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Parses <paramref name="template"/>; unbalanced braces or empty placeholders are errors.</summary>
    public static TextTemplate Parse(string template)
    {
        var parts = new List<(bool, string)>();
        var literal = new StringBuilder();
        for (int i = 0; i < template.Length; i++)
        {
            char c = template[i];
            if (c == '{' && i + 1 < template.Length && template[i + 1] == '{') { literal.Append('{'); i++; continue; }
            if (c == '}' && i + 1 < template.Length && template[i + 1] == '}') { literal.Append('}'); i++; continue; }
            if (c == '}') throw new TtLoraException($"template \"{template}\": unmatched '}}' at position {i} (write '}}}}' for a literal brace)");
            if (c != '{') { literal.Append(c); continue; }
            int close = template.IndexOf('}', i + 1);
            if (close < 0) throw new TtLoraException($"template \"{template}\": '{{' at position {i} is never closed");
            string field = template[(i + 1)..close].Trim();
            if (field.Length == 0 || field.Contains('{'))
                throw new TtLoraException($"template \"{template}\": placeholder at position {i} needs a field name, like {{premise}}");
            if (literal.Length > 0) { parts.Add((false, literal.ToString())); literal.Clear(); }
            parts.Add((true, field));
            i = close;
        }
        if (literal.Length > 0) parts.Add((false, literal.ToString()));
        return new TextTemplate(template, parts);
    }

    /// <summary>Fills the placeholders with <paramref name="fieldValue"/>(name).</summary>
    public string Render(Func<string, string> fieldValue)
    {
        var text = new StringBuilder();
        foreach (var (isField, value) in _parts) text.Append(isField ? fieldValue(value) : value);
        return text.ToString();
    }

    public override string ToString() => Source;
}

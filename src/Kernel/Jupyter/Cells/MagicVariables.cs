using System.Collections;
using System.Globalization;
using System.Reflection;
using TtLora.Core;

namespace TtLora.Kernel.Jupyter.Cells;

/// <summary>
/// The text a <c>{name}</c> reference in a <c>#!tt-lora</c> line stands for: the current value of the C# script
/// variable <c>name</c>, spelled as a command line expects it — numbers in the invariant culture (<c>0.005</c>, never
/// <c>0,005</c>), booleans in lower case, and sequences (arrays, lists) as comma-separated items, the form of
/// list options such as <c>--targets q_proj,v_proj</c>.
/// </summary>
internal sealed class MagicVariables(Func<string, (bool Found, object? Value)> lookup)
{
    /// <summary>
    /// The text of variable <paramref name="name"/>, or of a public property path on it (<c>setup.BaseModel</c>); a missing
    /// variable or property, or a null value, is a one-line error.
    /// </summary>
    public string Text(string name)
    {
        var parts = name.Split('.');
        var (found, value) = lookup(parts[0]);
        if (!found)
            throw new TtLoraException($"{MagicLine.Prefix}: {{{name}}} names no C# variable of this session " +
                                      $"(declare it in a C# cell first, or write {{{{{name}}}}} for literal braces)");
        for (int i = 1; i < parts.Length; i++)
        {
            string owner = string.Join('.', parts[..i]);
            if (value is null) throw new TtLoraException($"{MagicLine.Prefix}: {{{name}}}: {owner} is null");
            var property = value.GetType().GetProperty(parts[i], BindingFlags.Public | BindingFlags.Instance)
                ?? throw new TtLoraException($"{MagicLine.Prefix}: {{{name}}}: {owner} has no public property {parts[i]}");
            value = property.GetValue(value);
        }
        return Format(value) ?? throw new TtLoraException($"{MagicLine.Prefix}: {{{name}}} is null");
    }

    /// <summary>A value as command-line text; null for null.</summary>
    public static string? Format(object? value) => value switch
    {
        null => null,
        string text => text,
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable items => string.Join(",", items.Cast<object?>().Select(item => Format(item) ?? "")),
        _ => value.ToString() ?? "",
    };
}

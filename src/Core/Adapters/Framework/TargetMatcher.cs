using System.Text.RegularExpressions;

namespace TtLora.Core.Adapters;

/// <summary>
/// Matches target entries against module names the way PEFT does for a list of targets: an entry matches a
/// module whose name equals it or ends with "." + entry (so <c>q_proj</c> and <c>self_attn.q_proj</c> both match
/// <c>model.layers.0.self_attn.q_proj</c>). A <c>*</c> stands for one name segment (<c>layers.*.mlp.down_proj</c>).
/// A regular expression given instead of a list must match the whole module name (PEFT's string form).
/// </summary>
public static class TargetMatcher
{
    /// <summary>Whether a list entry matches a module name.</summary>
    public static bool Matches(string entry, string modulePath) => EntryRegex(entry).IsMatch(modulePath);

    /// <summary>Whether a whole-name regular expression matches a module name.</summary>
    public static bool MatchesRegex(string pattern, string modulePath)
    {
        try
        {
            return Regex.IsMatch(modulePath, $"^(?:{pattern})$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            throw new TtLoraException($"target_modules \"{pattern}\" is not a valid regular expression: {e.Message}");
        }
    }

    private static Regex EntryRegex(string entry)
    {
        if (string.IsNullOrWhiteSpace(entry)) throw new TtLoraException("target_modules contains an empty name");
        var body = string.Join(@"\.", entry.Split('.').Select(segment => segment == "*" ? @"[^.]+" : Regex.Escape(segment).Replace(@"\*", @"[^.]*")));
        return new Regex($@"(^|\.){body}$", RegexOptions.CultureInvariant);
    }
}

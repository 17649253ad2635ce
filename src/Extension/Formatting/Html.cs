using System.Globalization;
using System.Text;

namespace TtLora.Extension.Formatting;

/// <summary>Escaping and number formatting shared by every HTML building block.</summary>
public static class Html
{
    /// <summary>
    /// Escapes text for use in element content and in quoted attribute values alike, so callers never have to
    /// know which of the two they are in.
    /// </summary>
    public static string Encode(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        if (text.AsSpan().IndexOfAny("&<>\"'") < 0) return text;
        var s = new StringBuilder(text.Length + 16);
        foreach (char c in text)
            s.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        return s.ToString();
    }

    /// <summary>A number for display: integers with group separators, others with up to four significant decimals.</summary>
    public static string Number(double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsInfinity(value)) return value > 0 ? "∞" : "-∞";
        if (value == Math.Floor(value) && Math.Abs(value) < 1e15) return value.ToString("N0", CultureInfo.InvariantCulture);
        double abs = Math.Abs(value);
        return abs is >= 1e-3 and < 1e6
            ? value.ToString("0.####", CultureInfo.InvariantCulture)
            : value.ToString("0.###e+0", CultureInfo.InvariantCulture);
    }

    /// <summary>An integer with group separators, independent of the machine's culture.</summary>
    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A fraction as a percentage with one decimal (0.953 reads "95.3%"); NaN, a metric never measured, reads "n/a".</summary>
    public static string Percent(double fraction) =>
        double.IsNaN(fraction) ? "n/a" : (100 * fraction).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>A duration in the largest units that matter: "2h 05m", "3m 07s", "4.2 s".</summary>
    public static string Duration(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}h {t.Minutes:00}m"
        : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m {t.Seconds:00}s"
        : t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
}

using System.Buffers;
using System.Globalization;
using System.Text;

namespace TtLora.Core.Tokenizers;

/// <summary>Small Unicode helpers shared by the tokenizer components.</summary>
internal static class UnicodeText
{
    /// <summary>
    /// Applies <paramref name="transform"/> to the runs of valid text between unpaired surrogates,
    /// keeping the surrogates themselves (an unpaired surrogate is treated like any unknown
    /// character, whose UTF-8 form is that of U+FFFD, as Hugging Face's JavaScript code does).
    /// </summary>
    public static string MapValidRuns(string text, Func<string, string> transform)
    {
        int firstBad = FindLoneSurrogate(text, 0);
        if (firstBad < 0) return transform(text);
        var builder = new StringBuilder(text.Length);
        int i = 0;
        while (firstBad >= 0)
        {
            builder.Append(transform(text[i..firstBad])).Append(text[firstBad]);
            i = firstBad + 1;
            firstBad = FindLoneSurrogate(text, i);
        }
        return builder.Append(transform(text[i..])).ToString();
    }

    private static int FindLoneSurrogate(string text, int start)
    {
        for (int i = start; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
            if (char.IsSurrogate(c)) return i;
        }
        return -1;
    }

    /// <summary>
    /// A Unicode "word" character in the sense of the <c>\w</c> class Hugging Face uses when
    /// checking single-word added tokens: letters, marks, decimal digits, connector punctuation.
    /// </summary>
    public static bool IsWordCharacter(Rune rune)
    {
        if (rune.Value is 0x200C or 0x200D) return true;
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.LetterNumber
                or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
                or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.ConnectorPunctuation => true,
            _ => false,
        };
    }

    /// <summary>True when <paramref name="text"/> ends with a word character.</summary>
    public static bool EndsWithWordCharacter(ReadOnlySpan<char> text) =>
        Rune.DecodeLastFromUtf16(text, out var rune, out _) == OperationStatus.Done && IsWordCharacter(rune);

    /// <summary>True when <paramref name="text"/> starts with a word character.</summary>
    public static bool StartsWithWordCharacter(ReadOnlySpan<char> text) =>
        Rune.DecodeFromUtf16(text, out var rune, out _) == OperationStatus.Done && IsWordCharacter(rune);
}

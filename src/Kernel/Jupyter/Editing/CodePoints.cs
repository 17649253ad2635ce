namespace TtLora.Kernel.Jupyter.Editing;

/// <summary>
/// Converts between the protocol's cursor positions (Unicode code points, since protocol 5.2) and .NET string
/// indices (UTF-16 code units); they differ after any character outside the Basic Multilingual Plane.
/// </summary>
internal static class CodePoints
{
    public static int ToIndex(string text, int codePoints)
    {
        int index = 0;
        for (int seen = 0; seen < codePoints && index < text.Length; seen++)
            index += char.IsSurrogatePair(text, index) ? 2 : 1;
        return index;
    }

    public static int FromIndex(string text, int index)
    {
        int codePoints = 0;
        for (int i = 0; i < index && i < text.Length; codePoints++)
            i += char.IsSurrogatePair(text, i) ? 2 : 1;
        return codePoints;
    }
}

namespace TtLora.Core.Tokenizers;

/// <summary>
/// GPT-2's reversible byte-to-character mapping: every byte becomes a printable character, so
/// byte-level BPE vocabularies can store arbitrary UTF-8 as ordinary strings ("Ġ" is the space byte).
/// </summary>
public static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = BuildByteToChar();
    private static readonly short[] CharToByte = BuildCharToByte();

    /// <summary>The character that stands for <paramref name="value"/>.</summary>
    public static char CharOf(byte value) => ByteToChar[value];

    /// <summary>The byte a character stands for, or -1 when it is not in the alphabet.</summary>
    public static int ByteOf(char c) => c < CharToByte.Length ? CharToByte[c] : -1;

    /// <summary>All 256 characters of the alphabet, in byte order.</summary>
    public static IReadOnlyList<char> Characters => ByteToChar;

    /// <summary>Maps the UTF-8 bytes of <paramref name="text"/> to alphabet characters.</summary>
    public static string Encode(string text)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(text);
        return string.Create(bytes.Length, bytes, static (chars, source) =>
        {
            for (int i = 0; i < chars.Length; i++) chars[i] = ByteToChar[source[i]];
        });
    }

    /// <summary>
    /// The bytes a token stands for: through the alphabet when every character belongs to it,
    /// otherwise the token's own UTF-8 (as Hugging Face does for tokens such as added ones).
    /// </summary>
    public static void AppendBytes(string token, List<byte> output)
    {
        foreach (char c in token)
        {
            if (ByteOf(c) < 0)
            {
                output.AddRange(System.Text.Encoding.UTF8.GetBytes(token));
                return;
            }
        }
        foreach (char c in token) output.Add((byte)ByteOf(c));
    }

    private static char[] BuildByteToChar()
    {
        // Printable Latin-1 bytes keep their own code point; the other 68 bytes are moved,
        // in byte order, to U+0100 and up.
        var map = new char[256];
        int shifted = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char)b : (char)(256 + shifted++);
        }
        return map;
    }

    private static short[] BuildCharToByte()
    {
        var map = new short[512];
        Array.Fill(map, (short)-1);
        for (int b = 0; b < 256; b++) map[ByteToChar[b]] = (short)b;
        return map;
    }
}

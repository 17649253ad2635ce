using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace TtLora.Core.Data;

/// <summary>Reads text files as UTF-8, refusing invalid bytes with the line where they are.</summary>
static class StrictUtf8
{
    static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The file's text (a leading byte-order mark is dropped); missing files and invalid UTF-8 are errors.</summary>
    public static string ReadFile(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw TtLoraException.InFile(path, "file not found");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw TtLoraException.InFile(path, $"cannot read: {e.Message}");
        }
        return Decode(path, bytes);
    }

    public static string Decode(string path, byte[] bytes)
    {
        int start = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        try
        {
            return Strict.GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException)
        {
            int offset = start + FirstInvalidByte(bytes.AsSpan(start));
            int line = 1 + bytes.AsSpan(0, offset).Count((byte)'\n');
            throw TtLoraException.InFile(path, $"line {line}: not valid UTF-8 (byte 0x{bytes[offset]:X2} at offset {offset}); re-encode the file as UTF-8");
        }
    }

    static int FirstInvalidByte(ReadOnlySpan<byte> bytes)
    {
        var chars = ArrayPool<char>.Shared.Rent(4096);
        try
        {
            int position = 0;
            while (position < bytes.Length)
            {
                var status = Utf8.ToUtf16(bytes[position..], chars, out int read, out _, replaceInvalidSequences: false, isFinalBlock: true);
                if (status == OperationStatus.InvalidData) return position + read;
                position += read;
                if (status == OperationStatus.Done) break;
            }
            return Math.Min(position, bytes.Length - 1);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }
}

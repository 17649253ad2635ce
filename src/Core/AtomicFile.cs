using System.Text;

namespace TtLora.Core;

/// <summary>
/// Writes a file so readers see either the old content or the complete new one: the bytes go to a temporary
/// file in the same directory (same file system, so the rename is atomic), are flushed to disk, and the
/// temporary file then replaces the destination.
/// </summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string content)
    {
        byte[] bytes = new UTF8Encoding(false).GetBytes(content);
        Write(path, bytes.Length, stream => stream.Write(bytes));
    }

    public static void WriteAllBytes(string path, byte[] content) => Write(path, content.Length, stream => stream.Write(content));

    /// <summary>Creates or replaces <paramref name="path"/> with what <paramref name="write"/> puts in the stream.</summary>
    public static void Write(string path, long expectedLength, Action<FileStream> write)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(directory);
        var temporary = System.IO.Path.Combine(directory,
            $".{System.IO.Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = 1 << 16,
                PreallocationSize = expectedLength,
            };
            using (var stream = new FileStream(temporary, options))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw TtLoraException.InFile(path, $"cannot write: {e.Message}");
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the original error matters more than a leftover temporary file.
        }
    }
}

namespace TtLora.Core.Data;

/// <summary>
/// A lock file that lets one process at a time build a cache entry; others wait. The file is deleted on close,
/// and a crashed holder releases it with its file handle.
/// </summary>
static class CacheLock
{
    public static FileStream Acquire(string path, TimeSpan? wait = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var deadline = DateTime.UtcNow + (wait ?? TimeSpan.FromMinutes(20));
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
            catch (IOException e)
            {
                throw TtLoraException.InFile(path, $"another process has held this cache lock too long ({e.Message}); delete the file if no other process runs");
            }
        }
    }
}

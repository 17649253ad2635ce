using System.Text;

namespace TtLora.Core.Tests.Data;

/// <summary>A fresh temporary folder for one test, removed afterwards.</summary>
public sealed class DataTempFolder : IDisposable
{
    public DataTempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ttlora-data-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, string content)
    {
        var path = File(name);
        System.IO.File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    public string WriteBytes(string name, byte[] content)
    {
        var path = File(name);
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder must not fail the test that made it.
        }
    }
}

namespace TtLora.Tests.Shared;

/// <summary>A fresh temporary folder, deleted on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder(string prefix = "ttlora-test-") => Path = Directory.CreateTempSubdirectory(prefix).FullName;

    public string Path { get; }

    /// <summary>The path of an entry in the folder (not created).</summary>
    public string this[string name] => System.IO.Path.Combine(Path, name);

    public string File(string name) => this[name];

    /// <summary>A new sub-folder, created.</summary>
    public string Sub(string name) => Directory.CreateDirectory(this[name]).FullName;

    /// <summary>Writes <paramref name="content"/> to a file in the folder and returns its path.</summary>
    public string Write(string name, string content)
    {
        string path = this[name];
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

namespace TtLora.Core.Packages;

/// <summary>Where downloaded packages and derived artefacts are kept: $TTLORA_CACHE, else ~/.cache/tt-lora.</summary>
public static class CacheDirectory
{
    public static string Root
    {
        get
        {
            string? configured = Environment.GetEnvironmentVariable("TTLORA_CACHE");
            if (!string.IsNullOrWhiteSpace(configured)) return Path.GetFullPath(configured);
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            string baseDir = !string.IsNullOrWhiteSpace(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(baseDir, "tt-lora");
        }
    }

    public static string Sub(string name)
    {
        string dir = Path.Combine(Root, name);
        Directory.CreateDirectory(dir);
        return dir;
    }
}

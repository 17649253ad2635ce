namespace TtLora.Tests.Shared;

/// <summary>Where test runs leave files for people to look at: <c>$TTLORA_ARTIFACTS</c>, else <c>artifacts/</c> at the repository root.</summary>
public static class ArtifactsFolder
{
    public const string Variable = "TTLORA_ARTIFACTS";

    public static string Path
    {
        get
        {
            string path = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } chosen
                ? System.IO.Path.GetFullPath(chosen)
                : System.IO.Path.Combine(TestPaths.RepositoryRoot, "artifacts");
            Directory.CreateDirectory(path);
            return path;
        }
    }
}

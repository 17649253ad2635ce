namespace TtLora.Tests.Shared;

/// <summary>
/// Headless Chromium as a reader's browser: it loads a page from disk with no network services, runs its scripts
/// for a fixed stretch of virtual time, and gives back the resulting DOM or a screenshot. Every run has a fresh
/// profile folder, so nothing cached from an earlier page can make a chart appear.
/// </summary>
public static class HeadlessChromium
{
    public const string OverrideVariable = "TTLORA_CHROMIUM";

    static readonly Lazy<string?> Found = new(() =>
        new[] { Environment.GetEnvironmentVariable(OverrideVariable) }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .SelectMany(dir => new[] { Path.Combine(dir, "chromium"), Path.Combine(dir, "chromium-browser") }))
            .FirstOrDefault(path => !string.IsNullOrEmpty(path) && File.Exists(path)));

    /// <summary>The Chromium executable; fails the test with installation advice when there is none.</summary>
    public static string Executable => Program;

    static string Program => Found.Value ?? throw new InvalidOperationException(
        $"The rendering tests open pages in headless Chromium; install it with 'apt-get install -y chromium' " +
        $"(scripts/install-test-deps.sh does it) or set {OverrideVariable} to its executable.");

    /// <summary>The DOM of <paramref name="htmlFile"/> after its scripts ran, serialised as HTML.</summary>
    public static string DumpDom(string htmlFile)
    {
        using var profile = new TempFolder("ttlora-chromium-");
        var run = ChildProcess.Run(Program, [.. Flags(profile.Path), "--dump-dom", new Uri(htmlFile).AbsoluteUri], TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == 0 && run.Output.Length > 0, $"chromium --dump-dom {htmlFile} failed (exit {run.ExitCode}):\n{Tail(run.Error)}");
        return run.Output;
    }

    /// <summary>Saves a PNG of the top <paramref name="height"/> pixels of the page at 1280 pixels wide.</summary>
    public static void Screenshot(string htmlFile, string pngFile, int height = 2000)
    {
        using var profile = new TempFolder("ttlora-chromium-");
        var run = ChildProcess.Run(Program,
            [.. Flags(profile.Path), $"--screenshot={pngFile}", $"--window-size=1280,{height}", new Uri(htmlFile).AbsoluteUri], TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == 0 && File.Exists(pngFile), $"chromium --screenshot of {htmlFile} failed (exit {run.ExitCode}):\n{Tail(run.Error)}");
    }

    static string[] Flags(string profile) =>
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", $"--user-data-dir={profile}", "--virtual-time-budget=10000",
    ];

    // Chromium logs harmless D-Bus complaints on machines without a session bus; the end of the log is what matters.
    static string Tail(string log) => string.Join('\n', log.Split('\n').TakeLast(15));
}

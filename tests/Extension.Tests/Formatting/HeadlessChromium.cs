using System.Diagnostics;

namespace TtLora.Extension.Tests.Formatting;

/// <summary>
/// Debian's chromium, headless and offline, to load a page from disk and return the DOM after its scripts ran.
/// </summary>
internal static class HeadlessChromium
{
    /// <summary>The browser on PATH, or a failure that says how to install it.</summary>
    public static string Executable()
    {
        foreach (string name in new[] { "chromium", "chromium-browser" })
            foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                string candidate = Path.Combine(dir, name);
                if (File.Exists(candidate)) return candidate;
            }
        Assert.Fail("chromium is not installed, so the offline chart rendering check cannot run. Install it with scripts/install-test-deps.sh (Debian package 'chromium').");
        return "";
    }

    public static string DumpDom(string htmlFile, string profileDir, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(Executable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Without the networking flags chromium waits on connections a closed network refuses.
        foreach (string arg in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", $"--user-data-dir={profileDir}",
                     "--virtual-time-budget=10000", "--dump-dom", new Uri(htmlFile).AbsoluteUri,
                 })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"chromium did not finish rendering {htmlFile} within {timeout.TotalSeconds} s.");
        }
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"chromium exited with {process.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }
}

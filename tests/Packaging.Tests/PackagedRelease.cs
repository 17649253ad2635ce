using System.Diagnostics;
using System.Xml.Linq;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace TtLora.Packaging.Tests;

/// <summary>
/// The packages as a user gets them, made once for all packaging tests: <c>dotnet pack</c> of ttlora, TtLora.Core and
/// TtLora.Extension from this repository's sources into a temporary local feed (build outputs in a temporary artifacts
/// folder, so the working tree's bin and obj stay untouched), then <c>dotnet tool install --tool-path</c> of ttlora from
/// that feed with a clean HOME and NuGet package folder. The tool is packed for linux-x64 only, the platform the tests
/// run on; the other platforms' packages differ only in their native libraries.
/// </summary>
public sealed class PackagedRelease : IDisposable
{
    readonly TempFolder root = new("ttlora-packaging-");

    public PackagedRelease(IMessageSink diagnostics)
    {
        Version = RepositoryVersion();
        Feed = root.Sub("feed");
        ToolFolder = root["tools"];
        var packages = root.Write("packages.slnx", $"""
            <Solution>
              <Project Path="{Project("src/Core/TtLora.Core.csproj")}" />
              <Project Path="{Project("src/Extension/TtLora.Extension.csproj")}" />
              <Project Path="{Project("src/Kernel/TtLora.Kernel.csproj")}" />
            </Solution>
            """);
        var clock = Stopwatch.StartNew();
        Dotnet(["pack", packages, "-c", "Release", "-o", Feed, "--artifacts-path", root["artifacts"],
            "-p:ToolPackageRuntimeIdentifiers=linux-x64", "--disable-build-servers"], TimeSpan.FromMinutes(10));
        PackTime = clock.Elapsed;

        clock.Restart();
        Dotnet(["tool", "install", "--tool-path", ToolFolder, "--add-source", Feed, "--configfile", WriteNuGetConfig("tool"),
            "--version", Version, "ttlora"], TimeSpan.FromMinutes(5), CleanEnvironment("tool-install"));
        InstallTime = clock.Elapsed;
        diagnostics.OnMessage(new DiagnosticMessage($"packaging: dotnet pack {PackTime.TotalSeconds:0} s, dotnet tool install {InstallTime.TotalSeconds:0} s"));
    }

    /// <summary>The version Directory.Build.props gives every package.</summary>
    public string Version { get; }

    /// <summary>The local feed the packages were packed into.</summary>
    public string Feed { get; }

    /// <summary>The folder given to <c>dotnet tool install --tool-path</c>.</summary>
    public string ToolFolder { get; }

    /// <summary>The installed tool's command.</summary>
    public string Tool => Path.Combine(ToolFolder, "ttlora");

    public TimeSpan PackTime { get; }
    public TimeSpan InstallTime { get; }

    /// <summary>A new sub-folder of this fixture's temporary folder.</summary>
    public string Sub(string name) => root.Sub(name);

    /// <summary>
    /// A clean user: an empty HOME (so no NuGet.config, tool manifests or caches of the machine's user are seen) and an
    /// empty NuGet package folder, both fresh for <paramref name="name"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string?> CleanEnvironment(string name) => new Dictionary<string, string?>
    {
        ["HOME"] = root.Sub(name + "-home"),
        ["NUGET_PACKAGES"] = root.Sub(name + "-packages"),
        ["DOTNET_CLI_HOME"] = null,
        ["XDG_DATA_HOME"] = null,
        ["XDG_CONFIG_HOME"] = null,
        ["XDG_CACHE_HOME"] = null,
        ["JUPYTER_DATA_DIR"] = null,
        ["JUPYTER_PATH"] = null,
    };

    /// <summary>
    /// A NuGet.config with the local feed and the package sources of the repository's own NuGet.config, where the
    /// packages' dependencies (TorchSharp, libtorch, ...) come from.
    /// </summary>
    public string WriteNuGetConfig(string name)
    {
        var sources = XDocument.Load(Path.Combine(TestPaths.RepositoryRoot, "NuGet.config")).Root!.Element("packageSources")!.Elements("add");
        var config = new XElement("configuration",
            new XElement("packageSources", new XElement("clear"),
                new XElement("add", new XAttribute("key", "tt-lora-local-feed"), new XAttribute("value", Feed)),
                sources.Select(s => new XElement(s))));
        string path = root[name + ".nuget.config"];
        new XDocument(config).Save(path);
        return path;
    }

    /// <summary>Runs dotnet and fails with its output when it does not succeed.</summary>
    public static ChildProcess.Result Dotnet(IReadOnlyList<string> arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var run = ChildProcess.Run("dotnet", arguments, timeout, environment, workingDirectory);
        if (run.ExitCode != 0)
            throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} exited with {run.ExitCode}\n{run.Output}\n{run.Error}");
        return run;
    }

    static string Project(string relative) => Path.Combine(TestPaths.RepositoryRoot, relative);

    static string RepositoryVersion() =>
        XDocument.Load(Path.Combine(TestPaths.RepositoryRoot, "Directory.Build.props")).Descendants("Version").Single().Value;

    public void Dispose() => root.Dispose();
}

/// <summary>The packaging tests share one pack and install: it is the expensive part.</summary>
[CollectionDefinition(Name)]
public sealed class PackagingCollection : ICollectionFixture<PackagedRelease>
{
    public const string Name = "packaged release";
}

using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TtLora.Core;

namespace TtLora.Kernel.Jupyter;

/// <summary>
/// The kernelspec Jupyter front ends find this kernel by: <c>kernels/NAME/kernel.json</c> under a Jupyter data
/// folder, whose argv starts this very executable with <c>kernel --connection-file {connection_file}</c>.
/// </summary>
public static partial class KernelSpec
{
    public const string DefaultName = "ttlora";

    /// <summary>The user's Jupyter data folder, where <c>jupyter kernelspec install --user</c> writes.</summary>
    public static string UserDataFolder()
    {
        if (Environment.GetEnvironmentVariable("JUPYTER_DATA_DIR") is { Length: > 0 } explicitFolder) return explicitFolder;
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (OperatingSystem.IsWindows()) return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "jupyter");
        if (OperatingSystem.IsMacOS()) return Path.Combine(home, "Library", "Jupyter");
        string data = Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(home, ".local", "share");
        return Path.Combine(data, "jupyter");
    }

    /// <summary>
    /// The command that starts this executable. Installed as a .NET tool, that is the tool's command
    /// (<c>~/.dotnet/tools/ttlora</c>, or <c>DIR/ttlora</c> for <c>--tool-path DIR</c>), which keeps working after
    /// <c>dotnet tool update</c> replaces the versioned folder this assembly runs from. Otherwise it is the dotnet host
    /// plus ttlora.dll when the assembly is a file (robust even when the front end's environment lacks DOTNET_ROOT),
    /// else the executable itself (single-file builds).
    /// </summary>
    public static IReadOnlyList<string> Launcher()
    {
        string assembly = typeof(KernelSpec).Assembly.Location;
        string? process = Environment.ProcessPath;
        if (assembly.Length == 0) return [process ?? throw new TtLoraException("kernel install: cannot tell where this executable is")];
        if (ToolCommand(assembly) is { } tool) return [tool];
        string? host = process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet" ? process : HostNextToRuntime();
        return host is not null ? [host, assembly] : [process!];
    }

    /// <summary>
    /// The command of the .NET tool install this assembly belongs to, or null when it is not one. A tool install keeps
    /// each version under <c>ROOT/.store/PACKAGE/VERSION/...</c> and puts the command (a link or shim) in ROOT.
    /// </summary>
    public static string? ToolCommand(string assemblyPath)
    {
        string command = KernelIdentity.Implementation + (OperatingSystem.IsWindows() ? ".exe" : "");
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(Path.GetFullPath(assemblyPath))!); dir.Parent is not null; dir = dir.Parent)
        {
            if (dir.Name != ".store") continue;
            string candidate = Path.Combine(dir.Parent.FullName, command);
            return File.Exists(candidate) ? candidate : null;
        }
        return null;
    }

    /// <summary>
    /// The environment the kernelspec gives the kernel: a tool's command is an apphost that finds the .NET runtime
    /// through DOTNET_ROOT or the default install folder, and a Jupyter front end started from a desktop may not have
    /// the DOTNET_ROOT of the shell that installed the kernel, so the root of the runtime running now is written down.
    /// </summary>
    public static JsonObject LaunchEnvironment(IReadOnlyList<string> launcher) =>
        launcher.Count == 1 && RuntimeRoot() is { } root ? new JsonObject { ["DOTNET_ROOT"] = root } : new JsonObject();

    // The runtime lives in <root>/shared/Microsoft.NETCore.App/<version>/; the dotnet host is <root>/dotnet.
    static string? HostNextToRuntime()
    {
        string? root = RuntimeRoot();
        if (root is null) return null;
        string host = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(host) ? host : null;
    }

    static string? RuntimeRoot()
    {
        string root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        return Directory.Exists(Path.Combine(root, "shared")) ? root : null;
    }

    /// <summary>The content of kernel.json.</summary>
    public static JsonObject Describe(IReadOnlyList<string> launcher, string displayName) => new()
    {
        ["argv"] = new JsonArray([.. launcher.Select(a => (JsonNode?)a), "kernel", "--connection-file", "{connection_file}"]),
        ["display_name"] = displayName,
        ["language"] = KernelIdentity.Language,
        ["interrupt_mode"] = "message",
        ["env"] = LaunchEnvironment(launcher),
        ["metadata"] = new JsonObject { ["debugger"] = false, ["implementation"] = KernelIdentity.Implementation, ["version"] = KernelIdentity.Version },
    };

    /// <summary>Writes <c>kernelsFolder/name/kernel.json</c> atomically and returns its path.</summary>
    public static string Install(string kernelsFolder, string name, string displayName)
    {
        if (!ValidName().IsMatch(name))
            throw new TtLoraException($"--name: \"{name}\" is not a kernel name (letters, digits, '.', '_' and '-' only)");
        string path = Path.Combine(Path.GetFullPath(kernelsFolder), name, "kernel.json");
        AtomicFile.WriteAllText(path, Describe(Launcher(), displayName).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return path;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex ValidName();
}

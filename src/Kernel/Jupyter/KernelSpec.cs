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
    /// The command that starts this executable: the dotnet host plus ttlora.dll when the assembly is a file (robust
    /// even when the front end's environment lacks DOTNET_ROOT), else the executable itself (single-file builds).
    /// </summary>
    public static IReadOnlyList<string> Launcher()
    {
        string assembly = typeof(KernelSpec).Assembly.Location;
        string? process = Environment.ProcessPath;
        if (assembly.Length == 0) return [process ?? throw new TtLoraException("kernel install: cannot tell where this executable is")];
        string? host = process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet" ? process : HostNextToRuntime();
        return host is not null ? [host, assembly] : [process!];
    }

    // The runtime lives in <root>/shared/Microsoft.NETCore.App/<version>/; the dotnet host is <root>/dotnet.
    static string? HostNextToRuntime()
    {
        string root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        string host = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(host) ? host : null;
    }

    /// <summary>The content of kernel.json.</summary>
    public static JsonObject Describe(IReadOnlyList<string> launcher, string displayName) => new()
    {
        ["argv"] = new JsonArray([.. launcher.Select(a => (JsonNode?)a), "kernel", "--connection-file", "{connection_file}"]),
        ["display_name"] = displayName,
        ["language"] = KernelIdentity.Language,
        ["interrupt_mode"] = "message",
        ["env"] = new JsonObject(),
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

using TtLora.Kernel.Jupyter;

namespace TtLora.Kernel.Tests;

/// <summary>How the kernelspec recognises a .NET tool install: the command beside the <c>.store</c> folder the assembly runs from.</summary>
public class ToolCommandTests
{
    static string Assembly(string root) => Path.Combine(root, ".store", "ttlora", "0.1.0", "ttlora.linux-x64", "0.1.0", "tools", "net10.0", "linux-x64", "ttlora.dll");

    [Fact]
    public void ToolInstallGivesTheCommandBesideTheStore()
    {
        using var root = new TempFolder();
        Directory.CreateDirectory(Path.GetDirectoryName(Assembly(root.Path))!);
        string command = root.Write(OperatingSystem.IsWindows() ? "ttlora.exe" : "ttlora", "");
        Assert.Equal(command, KernelSpec.ToolCommand(Assembly(root.Path)));
    }

    [Fact]
    public void StoreWithoutTheCommandIsNotATool()
    {
        using var root = new TempFolder();
        Assert.Null(KernelSpec.ToolCommand(Assembly(root.Path)));
    }

    [Fact]
    public void BuildOutputIsNotATool()
    {
        Assert.Null(KernelSpec.ToolCommand(TestPaths.TtloraDll));
        Assert.Empty(KernelSpec.LaunchEnvironment(KernelSpec.Launcher()));
    }
}

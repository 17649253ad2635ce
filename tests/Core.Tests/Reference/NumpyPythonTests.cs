namespace TtLora.Core.Tests.Reference;

/// <summary>How the tests find (or fail to find) a Python with numpy.</summary>
public sealed class NumpyPythonTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void NoPythonOnPathFailsNamingTheDebianPackage()
    {
        var error = Assert.Throws<TtLoraException>(() => NumpyPython.Search(null, _temp.Sub("empty-bin")));

        Assert.Contains("no python3/python on PATH", error.Message);
        Assert.Contains("apt-get install -y python3-numpy", error.Message);
        Assert.Contains(NumpyPython.OverrideVariable, error.Message);
    }

    [Fact]
    public void AnOverrideThatCannotImportNumpyFailsNamingTheOverride()
    {
        var missing = Path.Combine(_temp.Path, "no-such-python");

        var error = Assert.Throws<TtLoraException>(() => NumpyPython.Search(missing, ""));

        Assert.Contains($"{NumpyPython.OverrideVariable}={missing}: this interpreter cannot import numpy", error.Message);
        Assert.Contains("python3-numpy", error.Message);
    }

    [Fact]
    public void TheInterpreterFoundImportsNumpy()
    {
        var result = ChildProcess.TryRun(
            NumpyPython.Interpreter, ["-c", "import numpy; print(numpy.float64(2) ** 10)"], TimeSpan.FromSeconds(60));

        Assert.NotNull(result);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("1024.0", result.Output.Trim());
    }
}

using TtLora.Core;
using TtLora.Kernel.Jupyter.Protocol;

namespace TtLora.Kernel.Tests;

public class ConnectionFileTests
{
    const string Valid = """
        {"transport": "tcp", "ip": "127.0.0.1", "shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003,
         "control_port": 5004, "hb_port": 5005, "key": "abc", "signature_scheme": "hmac-sha256", "kernel_name": "ttlora"}
        """;

    static ConnectionFile Load(string json)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder["connection.json"], json);
        return ConnectionFile.Load(folder["connection.json"]);
    }

    [Fact]
    public void ReadsPortsKeyAndScheme()
    {
        var file = Load(Valid);
        Assert.Equal((5001, 5002, 5003, 5004, 5005), (file.ShellPort, file.IoPubPort, file.StdinPort, file.ControlPort, file.HeartbeatPort));
        Assert.Equal("abc", file.Key);
        Assert.Equal("tcp://127.0.0.1:5001", file.Endpoint(file.ShellPort));
        Assert.True(file.IsLoopback);
    }

    [Theory]
    [InlineData("\"transport\": \"tcp\"", "\"transport\": \"ipc\"", "\"transport\" is \"ipc\"; only \"tcp\" is supported")]
    [InlineData("\"hmac-sha256\"", "\"rot13\"", "\"signature_scheme\" is \"rot13\"; expected one of")]
    [InlineData("\"hb_port\": 5005", "\"hb_port\": 0", "\"hb_port\" must be a port number between 1 and 65535")]
    [InlineData("\"key\": \"abc\"", "\"key\": 7", "\"key\" must be a string")]
    public void ProblemsNameTheField(string from, string to, string expected)
    {
        var error = Assert.Throws<TtLoraException>(() => Load(Valid.Replace(from, to)));
        Assert.Contains("connection.json: " + expected, error.Message);
    }
}

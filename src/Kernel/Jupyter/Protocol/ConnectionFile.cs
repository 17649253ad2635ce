using System.Text.Json;
using System.Text.Json.Nodes;
using TtLora.Core;

namespace TtLora.Kernel.Jupyter.Protocol;

/// <summary>
/// The connection file a Jupyter front end writes before starting a kernel: where each channel binds and the key
/// that signs every message.
/// </summary>
public sealed record ConnectionFile(
    string Transport, string Ip, int ShellPort, int ControlPort, int StdinPort, int IoPubPort, int HeartbeatPort,
    string Key, string SignatureScheme)
{
    /// <summary>Reads and validates a connection file; problems name the file and the field.</summary>
    public static ConnectionFile Load(string path)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw TtLoraException.InFile(path, "expected a JSON object");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw TtLoraException.InFile(path, "connection file not found");
        }
        catch (JsonException e)
        {
            throw TtLoraException.InFile(path, $"not valid JSON ({e.Message})");
        }

        string Text(string field, string fallback)
        {
            var node = root[field];
            if (node is null) return fallback;
            return node is JsonValue value && value.TryGetValue(out string? text)
                ? text
                : throw TtLoraException.InFile(path, $"\"{field}\" must be a string");
        }

        int Port(string field)
        {
            if (root[field] is JsonValue value && value.TryGetValue(out int port) && port is > 0 and <= 65535) return port;
            throw TtLoraException.InFile(path, $"\"{field}\" must be a port number between 1 and 65535");
        }

        string transport = Text("transport", "tcp");
        // NetMQ's "ipc" is its own emulation and cannot talk to libzmq's ipc endpoints, so only tcp is honest.
        if (transport != "tcp") throw TtLoraException.InFile(path, $"\"transport\" is \"{transport}\"; only \"tcp\" is supported");
        string ip = Text("ip", "127.0.0.1");
        if (ip.Length == 0) ip = "127.0.0.1";
        string scheme = Text("signature_scheme", MessageSigner.DefaultScheme);
        if (!MessageSigner.Supports(scheme))
            throw TtLoraException.InFile(path, $"\"signature_scheme\" is \"{scheme}\"; expected one of {string.Join(", ", MessageSigner.Schemes)}");
        return new ConnectionFile(transport, ip, Port("shell_port"), Port("control_port"), Port("stdin_port"), Port("iopub_port"),
            Port("hb_port"), Text("key", ""), scheme);
    }

    /// <summary>The ZeroMQ endpoint for one of the ports.</summary>
    public string Endpoint(int port) => $"{Transport}://{Ip}:{port}";

    /// <summary>True when the kernel would listen beyond this machine (the file asked for it explicitly).</summary>
    public bool IsLoopback => Ip is "127.0.0.1" or "localhost" or "::1" || Ip.StartsWith("127.", StringComparison.Ordinal);
}

using System.Text;
using System.Text.Json.Nodes;

namespace TtLora.Kernel.Jupyter.Protocol;

/// <summary>Builds outgoing messages with fresh headers for this kernel's session.</summary>
public sealed class MessageFactory(string session)
{
    public string Session { get; } = session;

    /// <summary>A reply on the channel the request came from, routed back to its sender.</summary>
    public JupyterMessage Reply(JupyterMessage request, string type, object content) =>
        new(request.Identities, Header(type), request.Header, [], ProtocolJson.Write(content), []);

    /// <summary>An iopub message; <paramref name="parentHeader"/> ties it to the request that caused it.</summary>
    public JupyterMessage Broadcast(JsonObject parentHeader, string type, object content) =>
        new([Encoding.UTF8.GetBytes($"kernel.{Session}.{type}")], Header(type), parentHeader, [], ProtocolJson.Write(content), []);

    JsonObject Header(string type) => new()
    {
        ["msg_id"] = Guid.NewGuid().ToString("N"),
        ["session"] = Session,
        ["username"] = "kernel",
        ["date"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ"),
        ["msg_type"] = type,
        ["version"] = JupyterMessage.ProtocolVersion,
    };
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TtLora.Kernel.Jupyter.Protocol;

/// <summary>
/// The wire format: <c>[identities..., "&lt;IDS|MSG&gt;", signature, header, parent_header, metadata, content, buffers...]</c>.
/// Incoming messages are verified against the raw frames as received, never against a re-serialisation.
/// </summary>
public sealed class WireCodec(MessageSigner signer, ReplayGuard replays)
{
    static readonly byte[] Delimiter = Encoding.ASCII.GetBytes("<IDS|MSG>");

    /// <summary>The outcome of reading frames: a message, or the reason it was rejected.</summary>
    public readonly record struct Decoded(JupyterMessage? Message, string? Rejection);

    public Decoded Decode(IReadOnlyList<byte[]> frames)
    {
        int delimiter = -1;
        for (int i = 0; i < frames.Count; i++)
        {
            if (frames[i].AsSpan().SequenceEqual(Delimiter))
            {
                delimiter = i;
                break;
            }
        }
        if (delimiter < 0) return new(null, "no <IDS|MSG> delimiter");
        if (frames.Count < delimiter + 6) return new(null, $"{frames.Count - delimiter - 1} frames after the delimiter, expected at least 5");

        string signature = Encoding.ASCII.GetString(frames[delimiter + 1]);
        var signed = new[] { frames[delimiter + 2], frames[delimiter + 3], frames[delimiter + 4], frames[delimiter + 5] };
        if (!signer.Verify(signature, signed)) return new(null, "bad signature");
        if (signer.Enabled && !replays.TryAccept(signature)) return new(null, "replayed signature");

        var parts = new JsonObject[4];
        string[] names = ["header", "parent_header", "metadata", "content"];
        for (int i = 0; i < 4; i++)
        {
            try
            {
                // Duplicated keys are rejected here rather than throwing when the object is first read.
                parts[i] = JsonNode.Parse(signed[i], documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject
                    ?? throw new JsonException("not an object");
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                return new(null, $"{names[i]} is not a JSON object ({e.Message})");
            }
        }
        var message = new JupyterMessage(frames.Take(delimiter).ToArray(), parts[0], parts[1], parts[2], parts[3],
            frames.Skip(delimiter + 6).ToArray());
        return message.Type.Length == 0 ? new(null, "header has no msg_type") : new(message, null);
    }

    public List<byte[]> Encode(JupyterMessage message)
    {
        var signed = new[]
        {
            ProtocolJson.Bytes(message.Header), ProtocolJson.Bytes(message.ParentHeader),
            ProtocolJson.Bytes(message.Metadata), ProtocolJson.Bytes(message.Content),
        };
        var frames = new List<byte[]>(message.Identities);
        frames.Add(Delimiter);
        frames.Add(Encoding.ASCII.GetBytes(signer.Sign(signed)));
        frames.AddRange(signed);
        frames.AddRange(message.Buffers);
        return frames;
    }
}

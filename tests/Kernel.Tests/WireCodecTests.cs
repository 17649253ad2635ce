using System.Text;
using System.Text.Json.Nodes;
using TtLora.Kernel.Jupyter.Protocol;

namespace TtLora.Kernel.Tests;

public class WireCodecTests
{
    static WireCodec Codec(string key = "secret") => new(new MessageSigner("hmac-sha256", key), new ReplayGuard());

    static JupyterMessage Message() => new(
        [Encoding.ASCII.GetBytes("client-1")],
        new JsonObject { ["msg_id"] = "m1", ["msg_type"] = "execute_request", ["session"] = "s", ["username"] = "u", ["date"] = "2024-01-01T00:00:00Z", ["version"] = "5.3" },
        [], [], new JsonObject { ["code"] = "1 + 1" }, [[1, 2, 3]]);

    [Fact]
    public void EncodedMessagesDecodeToTheSameParts()
    {
        var frames = Codec().Encode(Message());
        Assert.Equal("client-1", Encoding.ASCII.GetString(frames[0]));
        Assert.Equal("<IDS|MSG>", Encoding.ASCII.GetString(frames[1]));
        Assert.Equal(64, frames[2].Length);
        var decoded = Codec().Decode(frames);
        Assert.Null(decoded.Rejection);
        var message = decoded.Message!;
        Assert.Equal("execute_request", message.Type);
        Assert.Equal("m1", message.Id);
        Assert.Equal("1 + 1", (string)message.Content["code"]!);
        Assert.Equal([1, 2, 3], Assert.Single(message.Buffers));
        Assert.Equal("client-1", Encoding.ASCII.GetString(Assert.Single(message.Identities)));
    }

    [Fact]
    public void ATamperedFrameIsRejected()
    {
        var frames = Codec().Encode(Message());
        frames[6] = Encoding.UTF8.GetBytes("""{"code":"System.IO.File.Delete(\"x\")"}""");
        Assert.Equal("bad signature", Codec().Decode(frames).Rejection);
    }

    [Fact]
    public void AnotherKeysSignatureIsRejected() =>
        Assert.Equal("bad signature", Codec("secret").Decode(Codec("other").Encode(Message())).Rejection);

    [Fact]
    public void ASignedMessageIsAcceptedOnlyOnce()
    {
        var codec = Codec();
        var frames = codec.Encode(Message());
        Assert.Null(codec.Decode(frames).Rejection);
        Assert.Equal("replayed signature", codec.Decode(frames).Rejection);
    }

    [Fact]
    public void MalformedFramesAreRejectedWithAReason()
    {
        var frames = Codec().Encode(Message());
        Assert.Equal("no <IDS|MSG> delimiter", Codec().Decode(frames.Where((_, i) => i != 1).ToList()).Rejection);
        Assert.Equal("3 frames after the delimiter, expected at least 5", Codec().Decode(frames.Take(5).ToList()).Rejection);
        var unsigned = Codec("").Encode(Message() with { Header = [] });
        Assert.Equal("header has no msg_type", Codec("").Decode(unsigned).Rejection);
    }
}

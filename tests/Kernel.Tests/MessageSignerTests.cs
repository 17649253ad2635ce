using System.Text;
using TtLora.Kernel.Jupyter.Protocol;

namespace TtLora.Kernel.Tests;

public class MessageSignerTests
{
    static byte[][] Frames(params string[] parts) => parts.Select(Encoding.UTF8.GetBytes).ToArray();

    // RFC 4231 test case 2 (key "Jefe"), with the data split across frames: the HMAC runs over their concatenation.
    const string Rfc4231Case2 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";

    [Fact]
    public void SignsTheConcatenatedFramesWithHmacSha256()
    {
        var signer = new MessageSigner("hmac-sha256", "Jefe");
        var frames = Frames("what do ya ", "want ", "for nothing?", "");
        Assert.Equal(Rfc4231Case2, signer.Sign(frames));
        Assert.True(signer.Verify(Rfc4231Case2, frames));
        Assert.True(signer.Verify(Rfc4231Case2.ToUpperInvariant(), frames));
    }

    [Theory]
    [InlineData("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3844")] // last digit changed
    [InlineData("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec38")] // too short
    [InlineData("zzdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")] // not hex
    [InlineData("")]
    public void RejectsAnyOtherSignature(string signature) =>
        Assert.False(new MessageSigner("hmac-sha256", "Jefe").Verify(signature, Frames("what do ya ", "want ", "for nothing?", "")));

    [Fact]
    public void RejectsChangedContent() =>
        Assert.False(new MessageSigner("hmac-sha256", "Jefe").Verify(Rfc4231Case2, Frames("what do ya ", "want ", "for nothing!", "")));

    [Fact]
    public void AnEmptyKeyMeansUnsigned()
    {
        var signer = new MessageSigner("hmac-sha256", "");
        Assert.False(signer.Enabled);
        Assert.Equal("", signer.Sign(Frames("{}", "{}", "{}", "{}")));
        Assert.True(signer.Verify("anything", Frames("{}", "{}", "{}", "{}")));
    }
}

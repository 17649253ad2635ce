using System.Security.Cryptography;
using System.Text;

namespace TtLora.Kernel.Jupyter.Protocol;

/// <summary>
/// Signs and verifies messages with the connection file's key: an HMAC over the header, parent header, metadata
/// and content frames, as lowercase hex. An empty key means messages are neither signed nor checked.
/// </summary>
public sealed class MessageSigner
{
    public const string DefaultScheme = "hmac-sha256";

    static readonly Dictionary<string, HashAlgorithmName> Algorithms = new(StringComparer.Ordinal)
    {
        ["hmac-sha256"] = HashAlgorithmName.SHA256,
        ["hmac-sha384"] = HashAlgorithmName.SHA384,
        ["hmac-sha512"] = HashAlgorithmName.SHA512,
        ["hmac-sha1"] = HashAlgorithmName.SHA1,
        ["hmac-md5"] = HashAlgorithmName.MD5,
    };

    readonly byte[] key;
    readonly HashAlgorithmName algorithm;

    public MessageSigner(string scheme, string key)
    {
        if (!Algorithms.TryGetValue(scheme, out algorithm))
            throw new ArgumentException($"unsupported signature scheme {scheme}", nameof(scheme));
        this.key = Encoding.UTF8.GetBytes(key);
    }

    public static IEnumerable<string> Schemes => Algorithms.Keys;

    public static bool Supports(string scheme) => Algorithms.ContainsKey(scheme);

    /// <summary>False when the key is empty: the front end asked for unsigned messages.</summary>
    public bool Enabled => key.Length > 0;

    /// <summary>The signature of the four signed frames, or "" when signing is off.</summary>
    public string Sign(IReadOnlyList<byte[]> signedFrames) =>
        Enabled ? Convert.ToHexStringLower(Digest(signedFrames)) : "";

    /// <summary>Checks a received signature in constant time; always true when signing is off.</summary>
    public bool Verify(string signature, IReadOnlyList<byte[]> signedFrames)
    {
        if (!Enabled) return true;
        byte[] expected = Digest(signedFrames);
        if (signature.Length != expected.Length * 2) return false;
        byte[] given;
        try
        {
            given = Convert.FromHexString(signature);
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    byte[] Digest(IReadOnlyList<byte[]> frames)
    {
        using var hmac = IncrementalHash.CreateHMAC(algorithm, key);
        foreach (var frame in frames) hmac.AppendData(frame);
        return hmac.GetHashAndReset();
    }
}

using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace TtLora.Core.Data;

/// <summary>
/// The human-readable part of a raw RFC 822 email: the subject and the body text. Routing headers are dropped
/// (they would let a classifier key on mail servers rather than content); MIME parts are decoded
/// (quoted-printable, base64), the first text/plain part is preferred over HTML, HTML is reduced to its text,
/// and attachments are skipped.
/// </summary>
public static partial class EmailText
{
    /// <summary>"Subject: ..." then a blank line and the body text.</summary>
    public static string Readable(string rawEmail)
    {
        var (headers, body) = SplitHeaders(rawEmail.Replace("\r\n", "\n"));
        string subject = DecodeEncodedWords(Header(headers, "Subject") ?? "").Trim();
        string text = BodyText(headers, body, depth: 0).Trim();
        return $"Subject: {subject}\n\n{text}";
    }

    static (List<(string Name, string Value)> Headers, string Body) SplitHeaders(string message)
    {
        int end = message.IndexOf("\n\n", StringComparison.Ordinal);
        string head = end < 0 ? message : message[..end];
        string body = end < 0 ? "" : message[(end + 2)..];
        var headers = new List<(string, string)>();
        foreach (var line in head.Split('\n'))
        {
            if (line.Length > 0 && (line[0] == ' ' || line[0] == '\t') && headers.Count > 0)
            {
                var (name, value) = headers[^1];
                headers[^1] = (name, value + " " + line.Trim()); // folded continuation
                continue;
            }
            int colon = line.IndexOf(':');
            if (colon > 0) headers.Add((line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }
        return (headers, body);
    }

    static string? Header(List<(string Name, string Value)> headers, string name) =>
        headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Value;

    static string BodyText(List<(string Name, string Value)> headers, string body, int depth)
    {
        string contentType = Header(headers, "Content-Type") ?? "text/plain";
        string mediaType = contentType.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType.StartsWith("multipart/", StringComparison.Ordinal) && depth < 5 && Parameter(contentType, "boundary") is { } boundary)
        {
            var parts = SplitMultipart(body, boundary).Select(SplitHeaders).ToList();
            string MediaOf(List<(string, string)> h) => (Header(h, "Content-Type") ?? "text/plain").Split(';')[0].Trim().ToLowerInvariant();
            var plain = parts.FirstOrDefault(p => MediaOf(p.Headers) == "text/plain");
            if (plain.Headers is not null)
            {
                string text = BodyText(plain.Headers, plain.Body, depth + 1);
                if (!string.IsNullOrWhiteSpace(text)) return text;
            }
            foreach (var (partHeaders, partBody) in parts)
            {
                string text = BodyText(partHeaders, partBody, depth + 1);
                if (!string.IsNullOrWhiteSpace(text)) return text;
            }
            return "";
        }
        if (!mediaType.StartsWith("text/", StringComparison.Ordinal) && mediaType != "message/rfc822") return ""; // attachment
        string decoded = DecodeTransfer(body, Header(headers, "Content-Transfer-Encoding"), Parameter(contentType, "charset"));
        return mediaType == "text/html" || LooksLikeHtml(decoded) ? HtmlToText(decoded) : decoded;
    }

    static IEnumerable<string> SplitMultipart(string body, string boundary)
    {
        string delimiter = "--" + boundary;
        var current = new StringBuilder();
        bool inPart = false;
        foreach (var line in body.Split('\n'))
        {
            string trimmed = line.TrimEnd();
            if (trimmed == delimiter || trimmed == delimiter + "--")
            {
                if (inPart) yield return current.ToString();
                current.Clear();
                inPart = trimmed == delimiter;
                if (!inPart) yield break;
                continue;
            }
            if (inPart) current.Append(line).Append('\n');
        }
        if (inPart && current.Length > 0) yield return current.ToString();
    }

    static string? Parameter(string headerValue, string name)
    {
        var match = Regex.Match(headerValue, $@"(?:^|;)\s*{name}\s*=\s*(?:""([^""]*)""|([^;\s]+))", RegexOptions.IgnoreCase);
        return !match.Success ? null : match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value;
    }

    static string DecodeTransfer(string body, string? transferEncoding, string? charset)
    {
        switch (transferEncoding?.Trim().ToLowerInvariant())
        {
            case "base64":
                try
                {
                    return Charset(charset).GetString(Convert.FromBase64String(new string(body.Where(c => !char.IsWhiteSpace(c)).ToArray())));
                }
                catch (FormatException)
                {
                    return ""; // damaged base64: nothing readable
                }
            case "quoted-printable":
                return Charset(charset).GetString(QuotedPrintable(body));
            default:
                // 7-bit/8-bit bodies arrive as one character per byte; re-read them in a declared legacy charset
                // (e.g. ISO-2022-JP). Text holding characters above U+00FF was already decoded and is kept.
                bool legacy = charset is not null && !IsUtf8OrAscii(charset) && body.All(c => c < 256);
                return legacy ? Charset(charset).GetString(Encoding.Latin1.GetBytes(body)) : body;
        }
    }

    static bool IsUtf8OrAscii(string charset) =>
        charset.Trim('"', ' ').Replace("-", "").ToLowerInvariant() is "utf8" or "usascii" or "ascii";

    static byte[] QuotedPrintable(string text)
    {
        var bytes = new List<byte>(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '=' && i + 1 < text.Length && text[i + 1] == '\n') { i++; continue; } // soft line break
            if (c == '=' && i + 2 < text.Length && Uri.IsHexDigit(text[i + 1]) && Uri.IsHexDigit(text[i + 2]))
            {
                bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
                continue;
            }
            if (c < 256) bytes.Add((byte)c);
            else bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
        }
        return bytes.ToArray();
    }

    // The declared charset when .NET knows it (including legacy code pages such as Big5 or windows-1252),
    // else Latin-1, which maps every byte to some character.
    static Encoding Charset(string? charset)
    {
        if (string.IsNullOrWhiteSpace(charset)) return Encoding.Latin1;
        string name = charset.Trim().Trim('"');
        try
        {
            return CodePagesEncodingProvider.Instance.GetEncoding(name) ?? Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return Encoding.Latin1;
        }
    }

    static string DecodeEncodedWords(string header) => EncodedWord().Replace(header, match =>
    {
        var encoding = Charset(match.Groups[1].Value);
        string payload = match.Groups[3].Value;
        try
        {
            return match.Groups[2].Value.Equals("B", StringComparison.OrdinalIgnoreCase)
                ? encoding.GetString(Convert.FromBase64String(payload))
                : encoding.GetString(QuotedPrintable(payload.Replace('_', ' ')));
        }
        catch (FormatException)
        {
            return match.Value;
        }
    });

    static bool LooksLikeHtml(string text) =>
        text.Contains("<html", StringComparison.OrdinalIgnoreCase) || text.Contains("<body", StringComparison.OrdinalIgnoreCase)
        || text.Contains("<table", StringComparison.OrdinalIgnoreCase);

    /// <summary>The visible text of an HTML fragment: scripts, styles, comments and tags removed, entities decoded.</summary>
    public static string HtmlToText(string html)
    {
        string text = HiddenBlocks().Replace(html, " ");
        text = BlockTags().Replace(text, "\n");
        text = Tags().Replace(text, " ");
        text = WebUtility.HtmlDecode(text);
        return string.Join('\n', text.Split('\n').Select(PlainText.NormalizeWhitespace).Where(l => l.Length > 0));
    }

    [GeneratedRegex(@"=\?([^?]+)\?([BbQq])\?([^?]*)\?=")]
    private static partial Regex EncodedWord();

    [GeneratedRegex(@"<(script|style)\b.*?</\1\s*>|<!--.*?-->", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex HiddenBlocks();

    [GeneratedRegex(@"<\s*(br|p|div|tr|li|h[1-6])\b[^>]*>|<\s*/\s*(p|div|tr|li|h[1-6]|table)\s*>", RegexOptions.IgnoreCase)]
    private static partial Regex BlockTags();

    [GeneratedRegex(@"<[^>]*>", RegexOptions.Singleline)]
    private static partial Regex Tags();
}

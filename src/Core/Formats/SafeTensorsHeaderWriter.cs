using System.Globalization;
using System.Text;

namespace TtLora.Core.Formats;

/// <summary>
/// Serializes a safetensors header exactly as the reference writer does: compact JSON with "__metadata__"
/// first, then each tensor as {"dtype","shape","data_offsets"} in data order, padded with spaces so the data
/// section starts at a multiple of 8 bytes (8-byte length prefix + header).
/// </summary>
internal static class SafeTensorsHeaderWriter
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The padded header bytes (without the length prefix).</summary>
    public static byte[] Build(string path, IReadOnlyList<SafeTensorInfo> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var json = new StringBuilder();
        json.Append('{');
        var first = true;
        if (metadata is { Count: > 0 })
        {
            AppendString(json, SafeTensorsHeader.MetadataKey);
            json.Append(":{");
            var firstEntry = true;
            foreach (var (key, value) in metadata.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                if (!firstEntry)
                {
                    json.Append(',');
                }
                firstEntry = false;
                AppendString(json, key);
                json.Append(':');
                AppendString(json, value ?? throw TtLoraException.InFile(path, $"metadata entry '{key}' is null; metadata values must be strings"));
            }
            json.Append('}');
            first = false;
        }
        foreach (var tensor in tensors)
        {
            if (!first)
            {
                json.Append(',');
            }
            first = false;
            AppendString(json, tensor.Name);
            json.Append(":{\"dtype\":");
            AppendString(json, tensor.DType.HeaderName());
            json.Append(",\"shape\":[");
            json.AppendJoin(',', tensor.Shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));
            json.Append("],\"data_offsets\":[");
            json.Append(tensor.Begin.ToString(CultureInfo.InvariantCulture));
            json.Append(',');
            json.Append(tensor.End.ToString(CultureInfo.InvariantCulture));
            json.Append("]}");
        }
        json.Append('}');

        byte[] bytes;
        try
        {
            bytes = StrictUtf8.GetBytes(json.ToString());
        }
        catch (EncoderFallbackException)
        {
            throw TtLoraException.InFile(path, "a tensor name or metadata string is not valid Unicode (unpaired surrogate)");
        }

        var padding = (8 - bytes.Length % 8) % 8;
        if (padding == 0)
        {
            return bytes;
        }
        var padded = new byte[bytes.Length + padding];
        bytes.CopyTo(padded, 0);
        padded.AsSpan(bytes.Length).Fill((byte)' ');
        return padded;
    }

    /// <summary>A JSON string literal; escapes only what JSON requires, non-ASCII stays raw UTF-8.</summary>
    private static void AppendString(StringBuilder json, string text)
    {
        json.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        json.Append(c);
                    }
                    break;
            }
        }
        json.Append('"');
    }
}

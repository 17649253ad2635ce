using System.Text;
using System.Text.Json;

namespace TtLora.Core.Tokenizers;

/// <summary>Unicode normalization: NFC, NFD, NFKC or NFKD.</summary>
public sealed class UnicodeFormNormalizer : INormalizer
{
    /// <summary>Creates the normalizer.</summary>
    public UnicodeFormNormalizer(NormalizationForm form) => Form = form;

    /// <summary>The normalization form.</summary>
    public NormalizationForm Form { get; }

    /// <inheritdoc/>
    public string Normalize(string text) => text.Normalize(Form);

    /// <inheritdoc/>
    public void WriteJson(Utf8JsonWriter writer) => NormalizerJson.WriteTypeOnly(writer, Form switch
    {
        NormalizationForm.FormC => "NFC",
        NormalizationForm.FormD => "NFD",
        NormalizationForm.FormKC => "NFKC",
        _ => "NFKD",
    });
}

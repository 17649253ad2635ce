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
    // .NET refuses to normalize text with unpaired surrogates; those are kept and the rest normalized.
    public string Normalize(string text) => UnicodeText.MapValidRuns(text, run => run.Normalize(Form));

    /// <inheritdoc/>
    public void WriteJson(Utf8JsonWriter writer) => NormalizerJson.WriteTypeOnly(writer, Form switch
    {
        NormalizationForm.FormC => "NFC",
        NormalizationForm.FormD => "NFD",
        NormalizationForm.FormKC => "NFKC",
        _ => "NFKD",
    });
}

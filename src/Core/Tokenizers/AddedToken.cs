namespace TtLora.Core.Tokenizers;

/// <summary>
/// A token matched in the raw text before the model runs (an entry of tokenizer.json's
/// <c>added_tokens</c>), such as <c>&lt;s&gt;</c> or <c>&lt;|begin_of_text|&gt;</c>.
/// </summary>
/// <param name="Id">Its id.</param>
/// <param name="Content">The exact text it matches.</param>
/// <param name="Special">Special tokens are dropped when decoding with skipSpecialTokens.</param>
/// <param name="SingleWord">Only match when not inside a word.</param>
/// <param name="LStrip">Also swallow whitespace on its left.</param>
/// <param name="RStrip">Also swallow whitespace on its right.</param>
/// <param name="Normalized">Match against the normalized text instead of the raw text.</param>
public sealed record AddedToken(
    int Id,
    string Content,
    bool Special,
    bool SingleWord = false,
    bool LStrip = false,
    bool RStrip = false,
    bool Normalized = false);

namespace TtLora.Core.Tokenizers;

/// <summary>
/// A piece of text on its way to the model.
/// </summary>
/// <param name="Text">The (normalized, possibly byte-mapped) text of the piece.</param>
/// <param name="AtTextStart">True when the piece begins where the input text begins
/// (Metaspace's <c>prepend_scheme: "first"</c> depends on it).</param>
public readonly record struct PreToken(string Text, bool AtTextStart);

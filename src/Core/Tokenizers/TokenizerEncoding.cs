namespace TtLora.Core.Tokenizers;

/// <summary>
/// The result of encoding one text: token ids and the matching vocabulary strings
/// (what Hugging Face calls <c>encoding.ids</c> and <c>encoding.tokens</c>).
/// </summary>
public sealed class TokenizerEncoding
{
    /// <summary>Wraps ids and their token strings; both lists have the same length.</summary>
    public TokenizerEncoding(IReadOnlyList<int> ids, IReadOnlyList<string> tokens)
    {
        if (ids.Count != tokens.Count)
            throw new ArgumentException($"ids ({ids.Count}) and tokens ({tokens.Count}) differ in length");
        Ids = ids;
        Tokens = tokens;
    }

    /// <summary>Token ids, special tokens included when they were requested.</summary>
    public IReadOnlyList<int> Ids { get; }

    /// <summary>The vocabulary string of each id.</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>Number of tokens.</summary>
    public int Count => Ids.Count;

    /// <inheritdoc/>
    public override string ToString() => $"[{string.Join(", ", Ids)}]";
}

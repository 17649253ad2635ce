using TtLora.Core.Data;
using TtLora.Core.Tokenizers;
using static TorchSharp.torch;

namespace TtLora.Core.Training;

/// <summary>
/// Tokenizes examples once and turns index lists into right-padded batches (ids, attention mask, labels),
/// each padded only to its own longest row.
/// </summary>
public sealed class ClassificationBatcher
{
    private readonly int[][] ids;
    private readonly long[] labels;
    private readonly int padId;

    public ClassificationBatcher(HfTokenizer tokenizer, IReadOnlyList<LabelledExample> examples, int maxLength, int padId)
    {
        this.padId = padId;
        ids = examples.Select(e =>
        {
            // Only the first maxLength tokens are used: a huge row is cut before it is tokenized.
            return tokenizer.EncodeFirst(e.Text, maxLength);
        }).ToArray();
        labels = examples.Select(e => (long)e.Label).ToArray();
        if (ids.Any(row => row.Length == 0)) throw new TtLoraException("an example tokenized to nothing (an empty text with a tokenizer that adds no BOS)");
    }

    public int Count => ids.Length;
    public long TokenCount => ids.Sum(r => (long)r.Length);

    public (Tensor Ids, Tensor Mask, Tensor Labels, long Tokens) Batch(IReadOnlyList<int> indices, Device device)
    {
        int width = indices.Max(i => ids[i].Length);
        var data = new long[indices.Count * width];
        var mask = new long[indices.Count * width];
        long tokens = 0;
        for (int r = 0; r < indices.Count; r++)
        {
            var row = ids[indices[r]];
            for (int t = 0; t < width; t++)
            {
                bool real = t < row.Length;
                data[r * width + t] = real ? row[t] : padId;
                mask[r * width + t] = real ? 1 : 0;
            }
            tokens += row.Length;
        }
        var labelData = indices.Select(i => labels[i]).ToArray();
        return (torch.tensor(data, [indices.Count, width], device: device), torch.tensor(mask, [indices.Count, width], device: device),
            torch.tensor(labelData, device: device), tokens);
    }

    /// <summary>Consecutive index chunks in the given order.</summary>
    public static IEnumerable<int[]> Chunks(IReadOnlyList<int> order, int size)
    {
        for (int start = 0; start < order.Count; start += size)
            yield return order.Skip(start).Take(size).ToArray();
    }
}

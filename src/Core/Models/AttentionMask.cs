using static TorchSharp.torch;

namespace TtLora.Core.Models;

/// <summary>Builds the additive attention mask combining causality with key padding.</summary>
internal static class AttentionMask
{
    /// <summary>
    /// [B, 1, S, past + S] with 0 where a query may attend and the dtype's minimum elsewhere, or null when
    /// plain causal attention is exact (no padding, no cache). A finite minimum rather than −∞ keeps rows
    /// with no visible key (a left pad attending to nothing) finite instead of NaN, as transformers does.
    /// </summary>
    public static Tensor? Build(Tensor? paddingMask, long b, long s, long past, ScalarType dtype, Device device)
    {
        bool anyPadding = paddingMask is not null && paddingMask.eq(0).any().item<bool>();
        if (!anyPadding && past == 0) return null;
        using var scope = NewDisposeScope();
        long total = past + s;
        if (paddingMask is not null && paddingMask.shape[1] != total)
            throw new ArgumentException($"attention mask covers {paddingMask.shape[1]} positions but {total} are attended (past {past} + new {s})");
        var queryPos = torch.arange(past, total, device: device).unsqueeze(1);   // [S,1]
        var keyPos = torch.arange(0, total, device: device).unsqueeze(0);        // [1,T]
        var allowed = keyPos.le(queryPos).unsqueeze(0).unsqueeze(0);            // [1,1,S,T]
        if (paddingMask is not null)
            allowed = allowed.logical_and(paddingMask.to(ScalarType.Bool).view(b, 1, 1, total));
        var min = torch.finfo(dtype).min;
        var mask = torch.zeros(allowed.shape, dtype: dtype, device: device).masked_fill(allowed.logical_not(), min);
        return mask.MoveToOuterDisposeScope();
    }
}

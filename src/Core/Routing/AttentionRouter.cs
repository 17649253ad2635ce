using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TtLora.Core.Routing;

/// <summary>
/// The reference's attention router: a learned query attends over the input's token states (real tokens only) with
/// multi-head attention (4 heads by default); the attended summary goes through a linear layer to expert logits.
/// </summary>
public sealed class AttentionRouter : Router
{
    private readonly Parameter query;
    private readonly Linear k_proj, v_proj, o_proj, w_gate;
    private readonly int heads, headDim;

    public AttentionRouter(RouterShape shape) : base(nameof(AttentionRouter), shape)
    {
        heads = shape.AttentionHeads;
        if (heads < 1 || shape.HiddenSize % heads != 0)
            throw new TtLoraException($"attention router: hidden size {shape.HiddenSize} is not divisible by {heads} heads");
        headDim = shape.HiddenSize / heads;
        query = new Parameter(torch.zeros(shape.HiddenSize)); // drawn by Router.Create
        k_proj = nn.Linear(shape.HiddenSize, shape.HiddenSize, hasBias: false);
        v_proj = nn.Linear(shape.HiddenSize, shape.HiddenSize, hasBias: false);
        o_proj = nn.Linear(shape.HiddenSize, shape.HiddenSize, hasBias: false);
        w_gate = nn.Linear(shape.HiddenSize, shape.Experts, hasBias: true);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override bool NeedsTokens => true;

    /// <inheritdoc/>
    public override (Tensor Clean, Tensor? NoiseScale) Scores(RouterFeatureBatch features)
    {
        var tokens = features.Tokens ?? throw new InvalidOperationException("the attention router needs per-token states");
        using var scope = NewDisposeScope();
        long b = tokens.shape[0], s = tokens.shape[1];
        var q = query.view(1, heads, 1, headDim).expand(b, heads, 1, headDim);
        var k = k_proj.call(tokens).view(b, s, heads, headDim).transpose(1, 2);
        var v = v_proj.call(tokens).view(b, s, heads, headDim).transpose(1, 2);
        var blocked = features.TokenMask!.logical_not().view(b, 1, 1, s);
        var mask = torch.zeros(b, 1, 1, s, dtype: tokens.dtype, device: tokens.device).masked_fill(blocked, double.NegativeInfinity);
        var attended = nn.functional.scaled_dot_product_attention(q, k, v, mask).reshape(b, heads * headDim);
        return (w_gate.call(o_proj.call(attended)).MoveToOuterDisposeScope(), null);
    }
}

using TorchSharp;
using static TorchSharp.torch;

namespace TtLora.Core.TensorTrains;

/// <summary>
/// The tensor-train algebra on plain core tensors (core k: <c>[r_k, tt_shape[k], r_{k+1}]</c>), shared by
/// <see cref="TensorTrain"/> and by anything that holds cores itself (mixtures, merging).
/// Convention: in the input index <c>input_factors[0]</c> varies fastest, in the output index
/// <c>output_factors[0]</c> varies fastest; <c>dW[o, i] = G_0[i_0] ... G_{M-1}[i_{M-1}] G_M[o_{K-1}] ... G_{d-1}[o_0]</c>.
/// Every method returns tensors outside the caller's temporary scope and keeps the autograd graph.
/// </summary>
public static class TtOps
{
    /// <summary>
    /// The reference "contraction": x <c>[..., in]</c> is viewed as <c>[..., m_{M-1}, ..., m_0]</c>; input core 0
    /// contracts the last mode (input_factors[0]) and starts the rank index, each following input core contracts
    /// the next-last mode and the running rank; then each output core appends one output mode, so the last
    /// core's mode (output_factors[0]) ends up fastest. Returns <c>[..., out]</c>.
    /// </summary>
    public static Tensor Contract(Tensor x, IReadOnlyList<Tensor> cores, TtShape shape)
    {
        CheckInput(x, shape);
        CheckCores(cores, shape);
        using var scope = NewDisposeScope();
        long[] lead = x.shape[..^1];
        long rows = lead.Aggregate(1L, (a, b) => a * b);
        var inputs = shape.InputFactors;
        var ranks = shape.Ranks;

        // Input side. The state is [rows, P, m_k, r_k]: P is the product of the input modes not yet reached
        // (they vary slower than m_k), m_k the mode core k consumes, r_k the running rank.
        long pending = shape.InFeatures / inputs[0];
        var state = x.reshape(rows, pending, inputs[0], 1);
        for (int k = 0; k < inputs.Count; k++)
        {
            long m = inputs[k], r = ranks[k], next = ranks[k + 1];
            // Sum over (m_k, r_k): reorder the core to [m_k, r_k, r_{k+1}] to match the state's trailing axes.
            var core = cores[k].permute(1, 0, 2).reshape(m * r, next);
            var contracted = state.reshape(rows * pending, m * r).matmul(core);
            if (k + 1 < inputs.Count)
            {
                long following = inputs[k + 1];
                pending /= following;
                state = contracted.reshape(rows, pending, following, next);
            }
            else
            {
                state = contracted.reshape(rows, next);
            }
        }

        // Output side. The state is [rows, Q, r]: Q is the product of the output modes appended so far; each
        // core appends its mode after them, so later cores give faster-varying output digits.
        long produced = 1;
        for (int k = inputs.Count; k < shape.CoreCount; k++)
        {
            long r = ranks[k], n = shape.Modes[k], next = ranks[k + 1];
            state = state.reshape(rows * produced, r).matmul(cores[k].reshape(r, n * next));
            produced *= n;
        }
        return state.reshape([.. lead, shape.OutFeatures]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The full update <c>dW [out, in]</c>: multiplies the cores into the tensor over tt_shape, then orders its
    /// axes as (output digits, slowest first; input digits, slowest first) and flattens.
    /// </summary>
    public static Tensor FullUpdate(IReadOnlyList<Tensor> cores, TtShape shape)
    {
        CheckCores(cores, shape);
        using var scope = NewDisposeScope();
        // Row-major chain: after core k the rows enumerate (t_0, ..., t_k) with t_0 slowest.
        var full = cores[0].reshape(shape.Modes[0], shape.Ranks[1]);
        for (int k = 1; k < shape.CoreCount; k++)
        {
            long r = shape.Ranks[k], n = shape.Modes[k], next = shape.Ranks[k + 1];
            full = full.matmul(cores[k].reshape(r, n * next)).reshape(-1, next);
        }
        var tensor = full.reshape(shape.Modes.Select(m => (long)m).ToArray());

        // tt axes are (i_0, ..., i_{M-1}, o_{K-1}, ..., o_0). Output axes already run slowest-first; input axes
        // must be reversed so that i_0 becomes the fastest digit of the column index.
        int inputCount = shape.InputCoreCount;
        long[] order =
        [
            .. Enumerable.Range(inputCount, shape.CoreCount - inputCount).Select(a => (long)a),
            .. Enumerable.Range(0, inputCount).Reverse().Select(a => (long)a),
        ];
        return tensor.permute(order).reshape(shape.OutFeatures, shape.InFeatures).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The two rank-r factors of the update: A <c>[in, r]</c> from the input cores and B <c>[r, out]</c> from the
    /// output cores, with <c>dW = (A @ B)^T</c>, r the bridge rank. They depend only on the cores, so they are
    /// cheap to build; <c>(x @ A) @ B</c> then costs what a LoRA of rank r costs.
    /// </summary>
    public static (Tensor A, Tensor B) Factors(IReadOnlyList<Tensor> cores, TtShape shape)
    {
        CheckCores(cores, shape);
        using var scope = NewDisposeScope();
        var inputs = shape.InputFactors;

        // A's rows enumerate the input digits with i_0 fastest: each new core's digit goes in front (slowest).
        var a = cores[0].reshape(inputs[0], shape.Ranks[1]);
        for (int k = 1; k < inputs.Count; k++)
        {
            // [R, r_k] @ [m_k, r_k, r_{k+1}] broadcasts to [m_k, R, r_{k+1}]: digit i_k is now the slowest.
            a = a.matmul(cores[k].permute(1, 0, 2)).reshape(-1, shape.Ranks[k + 1]);
        }

        // B's columns enumerate output cores in train order, the last core's digit (o_0) fastest.
        int first = inputs.Count;
        var b = cores[first].reshape(-1, shape.Ranks[first + 1]);
        for (int k = first + 1; k < shape.CoreCount; k++)
        {
            long r = shape.Ranks[k], n = shape.Modes[k], next = shape.Ranks[k + 1];
            b = b.matmul(cores[k].reshape(r, n * next)).reshape(-1, next);
        }
        b = b.reshape(shape.BridgeRank, shape.OutFeatures);
        return (a.MoveToOuterDisposeScope(), b.MoveToOuterDisposeScope());
    }

    /// <summary>The "reconstruction" path: <c>x @ dW^T</c> with the full update built from the cores.</summary>
    public static Tensor Reconstruct(Tensor x, IReadOnlyList<Tensor> cores, TtShape shape)
    {
        CheckInput(x, shape);
        using var scope = NewDisposeScope();
        return nn.functional.linear(x, FullUpdate(cores, shape)).MoveToOuterDisposeScope();
    }

    /// <summary>The "factorized" path: <c>(x @ A) @ B</c> with A, B from <see cref="Factors"/>.</summary>
    public static Tensor ApplyFactorized(Tensor x, IReadOnlyList<Tensor> cores, TtShape shape)
    {
        CheckInput(x, shape);
        using var scope = NewDisposeScope();
        var (a, b) = Factors(cores, shape);
        return x.matmul(a).matmul(b).MoveToOuterDisposeScope();
    }

    /// <summary>Checks that there is one core per mode and each has its shape's dimensions.</summary>
    public static void CheckCores(IReadOnlyList<Tensor> cores, TtShape shape)
    {
        if (cores.Count != shape.CoreCount)
        {
            throw new TtLoraException(
                $"{Owner(shape)}got {cores.Count} TT cores but tt_shape {TtShape.Format(shape.Modes)} needs {shape.CoreCount}");
        }
        for (int k = 0; k < cores.Count; k++)
        {
            var expected = shape.CoreShape(k);
            if (!cores[k].shape.SequenceEqual(expected))
            {
                throw new TtLoraException(
                    $"{Owner(shape)}tt_cores.{k} has shape {FormatShape(cores[k].shape)} but the TT shape needs {FormatShape(expected)}");
            }
        }
    }

    private static void CheckInput(Tensor x, TtShape shape)
    {
        if (x.dim() < 1 || x.shape[^1] != shape.InFeatures)
        {
            throw new TtLoraException(
                $"{Owner(shape)}input has shape {FormatShape(x.shape)} but the tensor train expects {shape.InFeatures} features in the last dimension");
        }
    }

    private static string Owner(TtShape shape) => shape.Name is null ? "" : shape.Name + ": ";

    private static string FormatShape(long[] dims) => "[" + string.Join(",", dims) + "]";
}

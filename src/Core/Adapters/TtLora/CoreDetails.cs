namespace TtLora.Core.Adapters;

/// <summary>
/// One tensor-train core <c>[r_k, n_k, r_{k+1}]</c> of one layer, with the unfolding that shows what it does and that
/// unfolding's singular values. An input core is unfolded as <c>[r_k·n_k, r_{k+1}]</c> (a map into the bond on its
/// right, the way the cores multiply into the input factor), an output core as <c>[r_k, n_k·r_{k+1}]</c> (a map out of
/// the bond on its left).
/// </summary>
/// <param name="Index">k, the core's position in the train.</param>
/// <param name="InputSide">Whether the core consumes an input mode (else it produces an output mode).</param>
/// <param name="Shape"><c>[r_k, n_k, r_{k+1}]</c>.</param>
/// <param name="Unfolding">The unfolding's values, rows by columns.</param>
/// <param name="SingularValues">The unfolding's singular values, largest first.</param>
public sealed record CoreDetails(int Index, bool InputSide, long[] Shape, double[,] Unfolding, IReadOnlyList<double> SingularValues)
{
    /// <summary>Values in the core.</summary>
    public long Parameters => Shape[0] * Shape[1] * Shape[2];

    /// <summary>"input" or "output".</summary>
    public string Side => InputSide ? "input" : "output";

    /// <summary>A core's details: its unfolding (float64) and that unfolding's singular values.</summary>
    public static CoreDetails Of(TorchSharp.torch.Tensor core, int index, bool inputSide)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        long[] shape = core.shape;
        var unfolding = (inputSide ? core.reshape(shape[0] * shape[1], shape[2]) : core.reshape(shape[0], shape[1] * shape[2]))
            .to(TorchSharp.torch.ScalarType.Float64).contiguous();
        long rows = unfolding.shape[0], columns = unfolding.shape[1];
        var flat = unfolding.data<double>().ToArray();
        var values = new double[rows, columns];
        for (long r = 0; r < rows; r++)
            for (long c = 0; c < columns; c++)
                values[r, c] = flat[r * columns + c];
        return new CoreDetails(index, inputSide, shape, values, Spectra.Of(unfolding));
    }

    /// <summary>The unfolding's rows and columns.</summary>
    public long[] UnfoldingShape => InputSide ? [Shape[0] * Shape[1], Shape[2]] : [Shape[0], Shape[1] * Shape[2]];
}

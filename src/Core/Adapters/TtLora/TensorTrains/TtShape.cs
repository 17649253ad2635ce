namespace TtLora.Core.TensorTrains;

/// <summary>
/// The mode and rank layout of a tensor-train weight update of shape out x in.
/// The train runs over <c>tt_shape = input_factors ++ reverse(output_factors)</c>; core k has shape
/// <c>[r_k, tt_shape[k], r_{k+1}]</c> with <c>ranks = [1, r, ..., r, 1]</c> by default.
/// Index convention: <c>input_factors[0]</c> is the fastest-varying digit of the input index and
/// <c>output_factors[0]</c> the fastest-varying digit of the output index.
/// </summary>
/// <remarks>
/// Every factor must be at least 2: a mode of size 1 only adds an r x r matrix that its neighbouring
/// cores already absorb, so it costs parameters without adding expressiveness.
/// </remarks>
public sealed class TtShape : IEquatable<TtShape>
{
    private readonly int[] inputFactors;
    private readonly int[] outputFactors;
    private readonly int[] modes;
    private readonly int[] ranks;

    /// <summary>A shape with the same rank on every inner bond (<c>[1, r, ..., r, 1]</c>).</summary>
    /// <param name="name">Optional owner (e.g. <c>q_proj</c>) used to prefix validation messages.</param>
    public TtShape(IEnumerable<int> inputFactors, IEnumerable<int> outputFactors, int rank, string? name = null)
        : this(inputFactors, outputFactors, UniformRanks(inputFactors, outputFactors, rank, name), name)
    {
    }

    /// <summary>A shape with explicit per-bond ranks (length = number of modes + 1, first and last 1).</summary>
    /// <param name="name">Optional owner (e.g. <c>q_proj</c>) used to prefix validation messages.</param>
    public TtShape(IEnumerable<int> inputFactors, IEnumerable<int> outputFactors, IEnumerable<int> ranks, string? name = null)
    {
        Name = name;
        this.inputFactors = CheckFactors(inputFactors, "input_factors", name);
        this.outputFactors = CheckFactors(outputFactors, "output_factors", name);
        modes = [.. this.inputFactors, .. this.outputFactors.Reverse()];
        this.ranks = CheckRanks(ranks, modes, name);
        InFeatures = (int)Product(this.inputFactors);
        OutFeatures = (int)Product(this.outputFactors);
    }

    /// <summary>Optional owner name used in messages.</summary>
    public string? Name { get; }

    /// <summary>Factors of the input size; the first one varies fastest in the input index.</summary>
    public IReadOnlyList<int> InputFactors => inputFactors;

    /// <summary>Factors of the output size; the first one varies fastest in the output index.</summary>
    public IReadOnlyList<int> OutputFactors => outputFactors;

    /// <summary>The train's mode sizes: <c>input_factors ++ reverse(output_factors)</c>.</summary>
    public IReadOnlyList<int> Modes => modes;

    /// <summary>Bond ranks, one more than the number of modes, starting and ending with 1.</summary>
    public IReadOnlyList<int> Ranks => ranks;

    /// <summary>Product of the input factors.</summary>
    public int InFeatures { get; }

    /// <summary>Product of the output factors.</summary>
    public int OutFeatures { get; }

    /// <summary>Number of cores (= number of modes).</summary>
    public int CoreCount => modes.Length;

    /// <summary>Number of leading cores that consume input modes.</summary>
    public int InputCoreCount => inputFactors.Length;

    /// <summary>
    /// Rank of the bond between the last input core and the first output core: the update is a product of
    /// an in x r and an r x out matrix through this bond, so its matrix rank is at most this number.
    /// </summary>
    public int BridgeRank => ranks[inputFactors.Length];

    /// <summary>Shape of core k: <c>[r_k, tt_shape[k], r_{k+1}]</c>.</summary>
    public long[] CoreShape(int k) => [ranks[k], modes[k], ranks[k + 1]];

    /// <summary>Shapes of all cores in train order.</summary>
    public IReadOnlyList<long[]> CoreShapes => Enumerable.Range(0, CoreCount).Select(CoreShape).ToArray();

    /// <summary>Number of trainable values in all cores.</summary>
    public long ParameterCount => Enumerable.Range(0, CoreCount).Sum(k => (long)ranks[k] * modes[k] * ranks[k + 1]);

    /// <summary>Total parameters of several shapes (e.g. every adapted module of a model).</summary>
    public static long TotalParameterCount(IEnumerable<TtShape> shapes) => shapes.Sum(s => s.ParameterCount);

    /// <summary>
    /// Advisory notes that do not prevent use: bonds whose rank exceeds what the modes on either side can
    /// carry (the extra rank is redundant: it adds parameters but cannot raise the rank of the unfolding).
    /// </summary>
    public IReadOnlyList<string> Warnings
    {
        get
        {
            var notes = new List<string>();
            for (int bond = 1; bond < CoreCount; bond++)
            {
                long left = CappedProduct(modes.Take(bond));
                long right = CappedProduct(modes.Skip(bond));
                long useful = Math.Min(left, right);
                if (ranks[bond] > useful)
                {
                    notes.Add($"{Prefix(Name)}bond {bond} has rank {ranks[bond]} but at most {useful} is useful " +
                              $"(modes left of it carry {left} values, right of it {right}); the extra rank is redundant");
                }
            }
            return notes;
        }
    }

    /// <summary>
    /// Checks that the shape fits a Linear layer <paramref name="module"/> with the given feature sizes;
    /// throws a <see cref="TtLoraException"/> naming the module and the mismatching field.
    /// </summary>
    public void ValidateFor(string module, long inFeatures, long outFeatures)
    {
        if (InFeatures != inFeatures)
        {
            throw new TtLoraException(
                $"input_factors {Format(inputFactors)} multiply to {InFeatures} but {module} has in_features {inFeatures}");
        }
        if (OutFeatures != outFeatures)
        {
            throw new TtLoraException(
                $"output_factors {Format(outputFactors)} multiply to {OutFeatures} but {module} has out_features {outFeatures}");
        }
    }

    /// <summary>
    /// Checks a separately stored tt_shape (configs carry it next to the factors) against
    /// <c>input_factors ++ reverse(output_factors)</c>; <paramref name="source"/> names where it came from.
    /// </summary>
    public void ValidateModes(IEnumerable<int> ttShape, string source = "tt_shape")
    {
        var given = ttShape.ToArray();
        if (!given.SequenceEqual(modes))
        {
            throw new TtLoraException(
                $"{source} {Format(given)} does not equal input_factors ++ reverse(output_factors) = {Format(modes)}");
        }
    }

    /// <summary>Formats a list of sizes the way configs write them: <c>[16,8,4,4]</c>.</summary>
    public static string Format(IEnumerable<int> values) => "[" + string.Join(",", values) + "]";

    /// <inheritdoc/>
    public override string ToString() =>
        $"input_factors {Format(inputFactors)}, output_factors {Format(outputFactors)}, " +
        $"tt_shape {Format(modes)}, ranks {Format(ranks)}";

    /// <inheritdoc/>
    public bool Equals(TtShape? other) =>
        other is not null &&
        inputFactors.SequenceEqual(other.inputFactors) &&
        outputFactors.SequenceEqual(other.outputFactors) &&
        ranks.SequenceEqual(other.ranks);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TtShape);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var v in modes) hash.Add(v);
        hash.Add(inputFactors.Length);
        foreach (var v in ranks) hash.Add(v);
        return hash.ToHashCode();
    }

    private static int[] UniformRanks(IEnumerable<int> inputFactors, IEnumerable<int> outputFactors, int rank, string? name)
    {
        if (rank < 1)
        {
            throw new TtLoraException($"{Prefix(name)}rank must be at least 1 but is {rank}");
        }
        int count = inputFactors.Count() + outputFactors.Count();
        var ranks = new int[count + 1];
        Array.Fill(ranks, rank);
        ranks[0] = 1;
        ranks[count] = 1;
        return ranks;
    }

    private static int[] CheckFactors(IEnumerable<int> factors, string field, string? name)
    {
        var list = factors.ToArray();
        if (list.Length == 0)
        {
            throw new TtLoraException($"{Prefix(name)}{field} is empty; give at least one factor");
        }
        foreach (var f in list)
        {
            if (f < 2)
            {
                string why = f == 1
                    ? " (a mode of size 1 only adds an r x r matrix that the neighbouring cores already absorb)"
                    : "";
                throw new TtLoraException($"{Prefix(name)}{field} {Format(list)} contains {f}; every factor must be at least 2{why}");
            }
        }
        if (CappedProduct(list) > int.MaxValue)
        {
            throw new TtLoraException($"{Prefix(name)}{field} {Format(list)} multiply to more than {int.MaxValue}");
        }
        return list;
    }

    private static int[] CheckRanks(IEnumerable<int> ranks, int[] modes, string? name)
    {
        var list = ranks.ToArray();
        if (list.Length != modes.Length + 1)
        {
            throw new TtLoraException(
                $"{Prefix(name)}ranks {Format(list)} has {list.Length} entries but tt_shape {Format(modes)} " +
                $"has {modes.Length} modes and needs {modes.Length + 1}");
        }
        if (list[0] != 1 || list[^1] != 1)
        {
            throw new TtLoraException($"{Prefix(name)}ranks {Format(list)} must start and end with 1");
        }
        foreach (var r in list)
        {
            if (r < 1)
            {
                throw new TtLoraException($"{Prefix(name)}ranks {Format(list)} contains {r}; every rank must be at least 1");
            }
        }
        return list;
    }

    private static string Prefix(string? name) => name is null ? "" : name + ": ";

    private static long Product(IEnumerable<int> values) => values.Aggregate(1L, (acc, v) => acc * v);

    // Saturates instead of overflowing so that absurd inputs give a clear message rather than garbage.
    private static long CappedProduct(IEnumerable<int> values)
    {
        long acc = 1;
        foreach (var v in values)
        {
            acc = acc > long.MaxValue / Math.Max(v, 1) ? long.MaxValue : acc * v;
        }
        return acc;
    }
}

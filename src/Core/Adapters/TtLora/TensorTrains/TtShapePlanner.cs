namespace TtLora.Core.TensorTrains;

/// <summary>
/// Proposes TT factorisations of a Linear layer's in/out features. One deterministic rule; with the mode
/// count of <see cref="TtPlanPreset"/> it reproduces every shape published for TT-LoRA (LLaMA-3.2-1B,
/// 3.2-3B, 3.1-8B, RoBERTa-base), and with no mode count given it reproduces the LLaMA-3.2-1B shapes.
/// </summary>
/// <remarks>
/// The rule, for one size n split into k modes:
/// <list type="number">
/// <item>Greedy: repeatedly take the largest divisor of what is left that is at most <c>maxFactor</c>
/// (2048 -> [16,16,8], 768 with 64 -> [64,12]).</item>
/// <item>While there are fewer than k factors, split the largest composite factor other than the leading
/// one into its most balanced pair (16 -> 4x4, 12 -> 4x3, 8 -> 4x2); the leading factor is split only
/// when nothing else can be. The leading factor stays large on purpose: it sits in a boundary core, whose
/// outer rank is 1, so a large mode costs n*r there instead of n*r*r.</item>
/// <item>Factors are listed in descending order.</item>
/// </list>
/// A layer: the larger side gets k modes. If the larger side is a multiple of the smaller one (grouped-query
/// v_proj, 2048 -> 512), the smaller side is factorised with k minus (number of greedy factors of the
/// ratio) modes and the larger side reuses those factors plus the ratio's: 512 -> [16,16,2], 2048 ->
/// [16,16,4,2]. Otherwise each side is factorised on its own. The default k is one more than the greedy
/// count of the larger side (2048 -> 4), capped by its number of prime factors.
/// </remarks>
public static class TtShapePlanner
{
    /// <summary>Largest factor taken by the greedy pass unless told otherwise (the LLaMA presets' choice).</summary>
    public const int DefaultMaxFactor = 16;

    /// <summary>Plans a shape with a published preset's mode count and largest factor.</summary>
    public static TtShape Plan(int inFeatures, int outFeatures, int rank, TtPlanPreset preset, string? name = null) =>
        Plan(inFeatures, outFeatures, rank, preset.Modes, preset.MaxFactor, name);

    /// <summary>
    /// Plans input/output factors for a Linear <c>inFeatures -> outFeatures</c> with rank <paramref name="rank"/>
    /// on every inner bond. <paramref name="modes"/> is the mode count of the larger side (default: see remarks).
    /// </summary>
    /// <param name="name">Owner used in messages, e.g. <c>q_proj</c>.</param>
    public static TtShape Plan(int inFeatures, int outFeatures, int rank, int? modes = null,
        int maxFactor = DefaultMaxFactor, string? name = null)
    {
        string owner = name ?? "layer";
        CheckSize(inFeatures, $"{owner} in_features");
        CheckSize(outFeatures, $"{owner} out_features");
        CheckMaxFactor(maxFactor);
        if (rank < 1)
        {
            throw new TtLoraException($"{owner}: rank must be at least 1 but is {rank}");
        }

        bool inputIsLarger = inFeatures >= outFeatures;
        int larger = inputIsLarger ? inFeatures : outFeatures;
        int smaller = inputIsLarger ? outFeatures : inFeatures;
        string largerLabel = $"{owner} {(inputIsLarger ? "in_features" : "out_features")}";
        string smallerLabel = $"{owner} {(inputIsLarger ? "out_features" : "in_features")}";

        if (modes is < 1)
        {
            throw new TtLoraException($"{owner}: modes must be at least 1 but is {modes}");
        }
        int largerModes = modes ?? Math.Min(GreedyFactors(larger, maxFactor).Count + 1, PrimeFactorCount(larger));

        IReadOnlyList<int> largerFactors;
        IReadOnlyList<int> smallerFactors;
        if (larger == smaller)
        {
            largerFactors = smallerFactors = Factorize(larger, largerModes, maxFactor, largerLabel);
        }
        else if (larger % smaller == 0 && SharesFactors(larger, smaller, largerModes, maxFactor, out var ratioFactors))
        {
            smallerFactors = Factorize(smaller, largerModes - ratioFactors.Count, maxFactor, smallerLabel);
            largerFactors = smallerFactors.Concat(ratioFactors).OrderByDescending(f => f).ToArray();
        }
        else
        {
            largerFactors = Factorize(larger, largerModes, maxFactor, largerLabel);
            int smallerModes = Math.Clamp(largerModes, GreedyFactors(smaller, maxFactor).Count, PrimeFactorCount(smaller));
            smallerFactors = Factorize(smaller, smallerModes, maxFactor, smallerLabel);
        }

        return inputIsLarger
            ? new TtShape(largerFactors, smallerFactors, rank, name)
            : new TtShape(smallerFactors, largerFactors, rank, name);
    }

    /// <summary>Splits <paramref name="n"/> into exactly <paramref name="modes"/> factors by the rule in the remarks.</summary>
    public static IReadOnlyList<int> Factorize(int n, int modes, int maxFactor = DefaultMaxFactor) =>
        Factorize(n, modes, maxFactor, "n");

    /// <summary>
    /// The greedy pass alone: largest divisor at most <paramref name="maxFactor"/> first, descending. A prime
    /// larger than <paramref name="maxFactor"/> becomes a factor of its own.
    /// </summary>
    public static IReadOnlyList<int> GreedyFactors(int n, int maxFactor = DefaultMaxFactor)
    {
        CheckSize(n, "n");
        CheckMaxFactor(maxFactor);
        var factors = new List<int>();
        int rest = n;
        while (rest > 1)
        {
            int divisor = LargestDivisorAtMost(rest, maxFactor);
            factors.Add(divisor > 1 ? divisor : SmallestPrimeFactor(rest));
            rest /= factors[^1];
        }
        return factors.OrderByDescending(f => f).ToArray();
    }

    private static IReadOnlyList<int> Factorize(int n, int modes, int maxFactor, string label)
    {
        CheckSize(n, label);
        CheckMaxFactor(maxFactor);
        var factors = GreedyFactors(n, maxFactor).ToList();
        if (modes < factors.Count)
        {
            throw new TtLoraException(
                $"{label} = {n} cannot be split into {modes} mode(s) with factors of at most {maxFactor}; " +
                $"it needs at least {factors.Count} (greedy factors {TtShape.Format(factors)})");
        }
        int primes = PrimeFactorCount(n);
        if (modes > primes)
        {
            throw new TtLoraException(
                $"{label} = {n} has {primes} prime factor(s), so it splits into at most {primes} mode(s), not {modes}");
        }
        while (factors.Count < modes)
        {
            int at = IndexToSplit(factors);
            var (a, b) = BalancedPair(factors[at]);
            factors.RemoveAt(at);
            factors.Add(a);
            factors.Add(b);
            factors.Sort((x, y) => y.CompareTo(x));
        }
        return factors;
    }

    // Decides whether the smaller side can be factorised with (modes - ratio factors) modes, so that the
    // larger side is the smaller side's factorisation extended by the ratio.
    private static bool SharesFactors(int larger, int smaller, int largerModes, int maxFactor, out IReadOnlyList<int> ratioFactors)
    {
        ratioFactors = GreedyFactors(larger / smaller, maxFactor);
        int smallerModes = largerModes - ratioFactors.Count;
        return smallerModes >= GreedyFactors(smaller, maxFactor).Count && smallerModes <= PrimeFactorCount(smaller);
    }

    // Factors are sorted descending, so the first composite after the leading one is the largest such.
    private static int IndexToSplit(List<int> factors)
    {
        for (int i = 1; i < factors.Count; i++)
        {
            if (!IsPrime(factors[i])) return i;
        }
        return 0;
    }

    private static (int Larger, int Smaller) BalancedPair(int composite)
    {
        int a = (int)Math.Ceiling(Math.Sqrt(composite));
        while (composite % a != 0) a++;
        return (a, composite / a);
    }

    private static int LargestDivisorAtMost(int n, int cap)
    {
        for (int d = Math.Min(n, cap); d >= 2; d--)
        {
            if (n % d == 0) return d;
        }
        return 1;
    }

    private static int SmallestPrimeFactor(int n)
    {
        for (int p = 2; (long)p * p <= n; p++)
        {
            if (n % p == 0) return p;
        }
        return n;
    }

    private static bool IsPrime(int n) => n >= 2 && SmallestPrimeFactor(n) == n;

    private static int PrimeFactorCount(int n)
    {
        int count = 0;
        while (n > 1)
        {
            n /= SmallestPrimeFactor(n);
            count++;
        }
        return count;
    }

    private static void CheckSize(int n, string label)
    {
        if (n < 2)
        {
            throw new TtLoraException($"{label} is {n}; a tensor train needs a size of at least 2 to factorise");
        }
    }

    private static void CheckMaxFactor(int maxFactor)
    {
        if (maxFactor < 2)
        {
            throw new TtLoraException($"max factor must be at least 2 but is {maxFactor}");
        }
    }
}

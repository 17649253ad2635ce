namespace TtLora.Core.Tests.Reference;

/// <summary>
/// The reference against a deliberately plain, loop-by-loop double implementation of one Llama layer
/// (hidden 4, one head, vocab 5), written from the formulas rather than from the reference's code.
/// </summary>
public sealed class HandComputedLlamaTests : IDisposable
{
    private const double Tolerance = 1e-5;
    private static readonly long[] Tokens = [1, 4, 0, 3, 2];

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("default")]
    [InlineData("explicit-head-dim")]
    [InlineData("biases")]
    [InlineData("llama3")]
    [InlineData("tied")]
    public void ReferenceMatchesAPlainDoubleImplementation(string variant)
    {
        var checkpoint = TinyLlamaCheckpoint.CreateRandom(
            seed: 100 + variant.Length, hidden: 4, heads: 1, kvHeads: 1, layers: 1, vocab: 5, intermediate: 6,
            headDim: variant == "explicit-head-dim" ? 6 : null,
            attentionBias: variant == "biases", mlpBias: variant == "biases");
        long[] positions = [0, 1, 2, 3, 4];
        double[] invFreq;
        if (variant == "llama3")
        {
            // theta 100, head_dim 4: inv_freq 1 and 0.1, wavelengths 2*pi and 20*pi.
            // Old length 128, low 1, high 4: keep below 32, divide above 128, blend between.
            // 2*pi < 32 stays; 20*pi ~ 62.8 is blended with smooth = (128 / (20*pi) - 1) / (4 - 1).
            checkpoint.Config["rope_theta"] = 100.0;
            checkpoint.Config["rope_scaling"] = new Dictionary<string, object>
            {
                ["rope_type"] = "llama3", ["factor"] = 8.0, ["low_freq_factor"] = 1.0,
                ["high_freq_factor"] = 4.0, ["original_max_position_embeddings"] = 128,
            };
            var smooth = (128 / (20 * Math.PI) - 1) / 3;
            invFreq = [1.0, (1 - smooth) * 0.1 / 8 + smooth * 0.1];
            positions = [0, 7, 19, 40, 41]; // far apart, so the scaled frequency visibly matters
        }
        else
        {
            var d = checkpoint.HeadDim;
            invFreq = Enumerable.Range(0, d / 2).Select(i => 1.0 / Math.Pow(10000.0, 2.0 * i / d)).ToArray();
        }
        if (variant == "tied")
        {
            checkpoint.Tensors.Remove("lm_head.weight");
            checkpoint.Config["tie_word_embeddings"] = true;
        }
        var model = checkpoint.WriteTo(_temp.Sub("m"));

        var output = HfLlamaReference.Forward(model, [Tokens], positionIds: variant == "llama3" ? [positions] : null);

        var expected = PlainLogits(checkpoint, Tokens, positions, invFreq);
        Assert.Equal(new long[] { 1, Tokens.Length, 5 }, output.LogitsShape);
        for (var t = 0; t < Tokens.Length; t++)
            for (var v = 0; v < 5; v++)
            {
                var actual = output.Logits[t * 5 + v];
                Assert.True(Math.Abs(expected[t][v] - actual) <= Tolerance,
                    $"{variant}: logit [{t}, {v}] is {actual}, expected {expected[t][v]} within {Tolerance}");
            }
    }

    /// <summary>One-head, any-layer Llama forward over one sequence, every sum written out.</summary>
    private static double[][] PlainLogits(TinyLlamaCheckpoint m, long[] ids, long[] positions, double[] invFreq)
    {
        int hidden = m.Hidden, dim = m.HeadDim, steps = ids.Length;
        var eps = (double)m.Config["rms_norm_eps"]!;
        var attentionBias = (bool)m.Config["attention_bias"]!;
        var mlpBias = (bool)m.Config["mlp_bias"]!;
        var embed = m["model.embed_tokens.weight"];

        var x = new double[steps][];
        for (var t = 0; t < steps; t++)
            x[t] = Enumerable.Range(0, hidden).Select(j => (double)embed[ids[t] * hidden + j]).ToArray();

        for (var layer = 0; layer < m.Layers; layer++)
        {
            var p = $"model.layers.{layer}.";
            double[] Project(double[] input, string name, int outputs, bool bias) =>
                Linear(input, m[p + name + ".weight"], bias ? m[p + name + ".bias"] : null, outputs);

            var q = new double[steps][];
            var k = new double[steps][];
            var v = new double[steps][];
            for (var t = 0; t < steps; t++)
            {
                var h = RmsNorm(x[t], m[p + "input_layernorm.weight"], eps);
                q[t] = Rotate(Project(h, "self_attn.q_proj", dim, attentionBias), positions[t], invFreq);
                k[t] = Rotate(Project(h, "self_attn.k_proj", dim, attentionBias), positions[t], invFreq);
                v[t] = Project(h, "self_attn.v_proj", dim, attentionBias);
            }
            for (var t = 0; t < steps; t++)
            {
                // Causal softmax attention over keys 0..t.
                var scores = new double[t + 1];
                for (var s = 0; s <= t; s++)
                {
                    double dot = 0;
                    for (var i = 0; i < dim; i++)
                        dot += q[t][i] * k[s][i];
                    scores[s] = dot / Math.Sqrt(dim);
                }
                var max = scores.Max();
                var weights = scores.Select(z => Math.Exp(z - max)).ToArray();
                var total = weights.Sum();
                var mixed = new double[dim];
                for (var s = 0; s <= t; s++)
                    for (var i = 0; i < dim; i++)
                        mixed[i] += weights[s] / total * v[s][i];
                var attended = Project(mixed, "self_attn.o_proj", hidden, attentionBias);
                for (var j = 0; j < hidden; j++)
                    x[t][j] += attended[j];

                var h2 = RmsNorm(x[t], m[p + "post_attention_layernorm.weight"], eps);
                var gate = Project(h2, "mlp.gate_proj", m.Intermediate, mlpBias);
                var up = Project(h2, "mlp.up_proj", m.Intermediate, mlpBias);
                var act = new double[m.Intermediate];
                for (var i = 0; i < act.Length; i++)
                    act[i] = gate[i] / (1 + Math.Exp(-gate[i])) * up[i];
                var down = Project(act, "mlp.down_proj", hidden, mlpBias);
                for (var j = 0; j < hidden; j++)
                    x[t][j] += down[j];
            }
        }

        var head = m.Tensors.ContainsKey("lm_head.weight") ? m["lm_head.weight"] : m["model.embed_tokens.weight"];
        return x.Select(row => Linear(RmsNorm(row, m["model.norm.weight"], eps), head, null, m.Vocab)).ToArray();
    }

    private static double[] Linear(double[] input, float[] weight, float[]? bias, int outputs)
    {
        var result = new double[outputs];
        for (var o = 0; o < outputs; o++)
        {
            double sum = bias?[o] ?? 0;
            for (var i = 0; i < input.Length; i++)
                sum += weight[o * input.Length + i] * input[i];
            result[o] = sum;
        }
        return result;
    }

    private static double[] RmsNorm(double[] x, float[] weight, double eps)
    {
        var meanSquare = x.Sum(z => z * z) / x.Length;
        var scale = 1 / Math.Sqrt(meanSquare + eps);
        return x.Select((z, j) => weight[j] * (z * scale)).ToArray();
    }

    /// <summary>Rotary embedding, HF layout: dimension i pairs with i + d/2 (not interleaved).</summary>
    private static double[] Rotate(double[] vector, long position, double[] invFreq)
    {
        var half = vector.Length / 2;
        var rotated = new double[vector.Length];
        for (var i = 0; i < half; i++)
        {
            var angle = position * invFreq[i];
            var (first, second) = (vector[i], vector[i + half]);
            rotated[i] = first * Math.Cos(angle) - second * Math.Sin(angle);
            rotated[i + half] = second * Math.Cos(angle) + first * Math.Sin(angle);
        }
        return rotated;
    }
}

using static TtLora.Core.Tests.Reference.ReferenceAssert;

namespace TtLora.Core.Tests.Reference;

/// <summary>
/// Properties that Hugging Face's Llama semantics imply, checked on the numpy reference with tiny random
/// checkpoints written here (no project model code involved). The reference computes in float64 and
/// returns float32, so "equal" means within a few float32 ulps: 1e-6 absolute on logits of order 1.
/// </summary>
public sealed class HfLlamaReferenceTests : IDisposable
{
    private const double SameTolerance = 1e-6;
    private const double MustDifferBy = 1e-3;

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Write(TinyLlamaCheckpoint checkpoint, string name, string dtype = "F32", int shards = 1) =>
        checkpoint.WriteTo(_temp.Sub(name), dtype, shards);

    [Fact]
    public void LaterTokensDoNotChangeEarlierLogits()
    {
        var model = Write(TinyLlamaCheckpoint.CreateRandom(seed: 1), "m");
        long[][] ids = [[3, 1, 4, 1, 5, 9, 2], [3, 1, 4, 1, 7, 7, 12]];

        var logits = HfLlamaReference.CausalLogits(model, ids, null, out var shape);

        Assert.Equal(new long[] { 2, 7, 13 }, shape);
        Close(Span(logits, shape, 0, 0, 4), Span(logits, shape, 1, 0, 4), SameTolerance, "shared prefix");
        Differ(At(logits, shape, 0, 4), At(logits, shape, 1, 4), MustDifferBy, "first changed token");
    }

    [Fact]
    public void PaddingWithMaskAndPositionIdsLeavesRealTokensUnchanged()
    {
        var model = Write(TinyLlamaCheckpoint.CreateRandom(seed: 2), "m");
        var plain = HfLlamaReference.CausalLogits(model, [[5, 6, 7, 8]], null, out var plainShape);
        var plainTokens = Span(plain, plainShape, 0, 0, 4);

        long[][] ids = [[0, 0, 5, 6, 7, 8], [5, 6, 7, 8, 0, 0]];
        long[][] mask = [[0, 0, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0]];
        // Left padding as HF's generate numbers it: cumsum(mask) - 1, pads set to 1.
        long[][] positions = [[1, 1, 0, 1, 2, 3], [0, 1, 2, 3, 4, 5]];
        var padded = HfLlamaReference.Forward(model, ids, mask, positions);
        Close(plainTokens, Span(padded.Logits, padded.LogitsShape, 0, 2, 6), 1e-5, "left padded");
        Close(plainTokens, Span(padded.Logits, padded.LogitsShape, 1, 0, 4), 1e-5, "right padded");

        // Plain forward numbers positions 0..S-1 even under a mask. That only shifts the left-padded
        // tokens by a constant, and rotary attention depends on position differences alone.
        var shifted = HfLlamaReference.Forward(model, ids, mask);
        Close(plainTokens, Span(shifted.Logits, shifted.LogitsShape, 0, 2, 6), 1e-5, "left padded, default positions");
    }

    [Fact]
    public void ExplicitPositionIdsMatterOnlyThroughTheirDifferences()
    {
        var model = Write(TinyLlamaCheckpoint.CreateRandom(seed: 14), "m");
        long[][] ids = [[5, 6, 7, 8], [5, 6, 7, 8], [5, 6, 7, 8]];
        long[][] positions = [[0, 1, 2, 3], [10, 11, 12, 13], [0, 2, 4, 6]];

        var output = HfLlamaReference.Forward(model, ids, positionIds: positions);

        var row = (int r) => Span(output.Logits, output.LogitsShape, r, 0, 4);
        Close(row(0), row(1), 1e-5, "positions shifted by 10");
        Differ(row(0), row(2), MustDifferBy, "positions spaced by 2");
    }

    [Fact]
    public void TiedEmbeddingsEqualAnExplicitCopyOfTheEmbeddings()
    {
        var untied = TinyLlamaCheckpoint.CreateRandom(seed: 3);
        untied.Tensors["lm_head.weight"] = new TestTensor(
            untied.Tensors["model.embed_tokens.weight"].Shape, untied["model.embed_tokens.weight"].ToArray());
        var tied = untied.Clone();
        tied.Tensors.Remove("lm_head.weight");
        tied.Config["tie_word_embeddings"] = true;
        var other = TinyLlamaCheckpoint.CreateRandom(seed: 3);
        // HF re-ties after loading, so with tie_word_embeddings a stored lm_head.weight is ignored.
        var tiedWithStaleHead = other.Clone();
        tiedWithStaleHead.Config["tie_word_embeddings"] = true;
        long[][] ids = [[1, 2, 3, 4, 5]];

        var expected = HfLlamaReference.CausalLogits(Write(untied, "untied"), ids, null, out _);
        var actual = HfLlamaReference.CausalLogits(Write(tied, "tied"), ids, null, out _);
        var separateHead = HfLlamaReference.CausalLogits(Write(other, "other"), ids, null, out _);
        var staleHeadIgnored = HfLlamaReference.CausalLogits(Write(tiedWithStaleHead, "stale"), ids, null, out _);

        Close(expected, actual, SameTolerance, "tied vs copied embeddings");
        Differ(expected, separateHead, MustDifferBy, "a separate lm_head");
        Close(expected, staleHeadIgnored, SameTolerance, "tied with a stored lm_head.weight");
    }

    [Fact]
    public void Llama3ScalingWithFactorOneIsNoScalingAndFactorEightChangesLogits()
    {
        // head_dim 8, theta 1e4: inv_freq 1, 0.1, 0.01, 0.001, wavelengths 6.3, 63, 628, 6283.
        // With old length 64, low 1, high 4 the bands are: < 16 kept, 16..64 blended, > 64 divided.
        var baseline = TinyLlamaCheckpoint.CreateRandom(seed: 4, hidden: 16, heads: 2, kvHeads: 2);
        var factorOne = baseline.Clone();
        factorOne.Config["rope_scaling"] = Llama3(factor: 1, low: 1, high: 4, originalLength: 64);
        var factorEight = baseline.Clone();
        factorEight.Config["rope_scaling"] = Llama3(factor: 8, low: 1, high: 4, originalLength: 64);
        long[][] ids = [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]];

        var expected = HfLlamaReference.CausalLogits(Write(baseline, "base"), ids, null, out _);
        var one = HfLlamaReference.CausalLogits(Write(factorOne, "one"), ids, null, out _);
        var eight = HfLlamaReference.CausalLogits(Write(factorEight, "eight"), ids, null, out _);

        Close(expected, one, SameTolerance, "llama3 factor 1");
        Differ(expected, eight, MustDifferBy, "llama3 factor 8");
    }

    [Fact]
    public void Llama3WithEveryWavelengthAboveTheLowBandEqualsLinearWhichEqualsScaledPositions()
    {
        // Old length 4 with low 1 puts every wavelength (>= 2*pi) above 4: all frequencies divided by 8.
        var baseline = TinyLlamaCheckpoint.CreateRandom(seed: 5, hidden: 16, heads: 2, kvHeads: 1);
        var llama3 = baseline.Clone();
        llama3.Config["rope_scaling"] = Llama3(factor: 8, low: 1, high: 2, originalLength: 4);
        var linear = baseline.Clone();
        // Older configs spell the type as "type"; HF accepts both.
        linear.Config["rope_scaling"] = new Dictionary<string, object> { ["type"] = "linear", ["factor"] = 8.0 };
        long[][] ids = [[4, 3, 2, 1, 5, 6]];
        long[][] eightTimes = [[0, 8, 16, 24, 32, 40]];

        var unscaled = HfLlamaReference.CausalLogits(Write(baseline, "base"), ids, null, out _);
        var viaLlama3 = HfLlamaReference.CausalLogits(Write(llama3, "llama3"), ids, null, out _);
        var linearModel = Write(linear, "linear");
        var viaLinear = HfLlamaReference.CausalLogits(linearModel, ids, null, out _);
        var linearAtScaledPositions = HfLlamaReference.Forward(linearModel, ids, positionIds: eightTimes).Logits;

        Close(viaLinear, viaLlama3, SameTolerance, "llama3 (all low band) vs linear");
        Close(unscaled, linearAtScaledPositions, SameTolerance, "linear factor 8 at positions 8p vs unscaled at p");
        Differ(unscaled, viaLinear, MustDifferBy, "linear factor 8 at positions p");
    }

    [Fact]
    public void DynamicScalingStaysOffWithinMaxPositionsAndRaisesTheBaseBeyond()
    {
        // head_dim 4; max_position_embeddings 4. For 6 tokens the NTK base becomes
        // theta * (factor * 6 / 4 - (factor - 1)) ^ (d / (d - 2)).
        var baseline = TinyLlamaCheckpoint.CreateRandom(seed: 6, hidden: 8, heads: 2, kvHeads: 1);
        baseline.Config["max_position_embeddings"] = 4;
        var dynamic = baseline.Clone();
        dynamic.Config["rope_scaling"] = new Dictionary<string, object> { ["rope_type"] = "dynamic", ["factor"] = 2.0 };
        var raisedBase = baseline.Clone();
        raisedBase.Config["rope_theta"] = 10000.0 * Math.Pow(2.0 * 6 / 4 - 1, 4.0 / 2);
        var dynamicModel = Write(dynamic, "dynamic");
        var baselineModel = Write(baseline, "base");

        // Shorter than the limit: HF computes the NTK base with seq_len = max_position_embeddings, i.e. no change.
        long[][] shortIds = [[1, 2, 3]];
        Close(HfLlamaReference.CausalLogits(baselineModel, shortIds, null, out _),
              HfLlamaReference.CausalLogits(dynamicModel, shortIds, null, out _), SameTolerance, "dynamic within limit");

        long[][] longIds = [[1, 2, 3, 4, 5, 6]];
        var dynamicLong = HfLlamaReference.CausalLogits(dynamicModel, longIds, null, out _);
        Close(HfLlamaReference.CausalLogits(Write(raisedBase, "raised"), longIds, null, out _), dynamicLong, 1e-5, "dynamic beyond limit");
        Differ(HfLlamaReference.CausalLogits(baselineModel, longIds, null, out _), dynamicLong, MustDifferBy, "dynamic vs none beyond limit");
    }

    [Fact]
    public void GroupedQueryAttentionEqualsFullAttentionWithDuplicatedKeyValueWeights()
    {
        const int heads = 4, kvHeads = 2, headDim = 4, hidden = 16;
        var grouped = TinyLlamaCheckpoint.CreateRandom(seed: 7, hidden: hidden, heads: heads, kvHeads: kvHeads);
        var full = grouped.Clone();
        full.Config["num_key_value_heads"] = heads;
        foreach (var name in full.Tensors.Keys.Where(n => n.EndsWith("k_proj.weight") || n.EndsWith("v_proj.weight")).ToList())
        {
            var source = grouped[name];
            var widened = new float[heads * headDim * hidden];
            for (var head = 0; head < heads; head++)
            {
                // repeat_kv: query head h reads key/value head h / (heads / kvHeads).
                var kvHead = head / (heads / kvHeads);
                Array.Copy(source, kvHead * headDim * hidden, widened, head * headDim * hidden, headDim * hidden);
            }
            full.Tensors[name] = new TestTensor([heads * headDim, hidden], widened);
        }
        long[][] ids = [[1, 5, 2, 6, 3, 7]];

        Close(HfLlamaReference.CausalLogits(Write(full, "full"), ids, null, out _),
              HfLlamaReference.CausalLogits(Write(grouped, "grouped"), ids, null, out _), SameTolerance, "GQA vs duplicated MHA");
    }

    [Fact]
    public void GreedyModeEqualsRepeatedArgmaxOfCausalLogits()
    {
        var model = Write(TinyLlamaCheckpoint.CreateRandom(seed: 8, vocab: 17), "m");
        long[] prompt = [3, 1, 4];
        const int newTokens = 6;

        var generated = HfLlamaReference.GreedyGenerate(model, prompt, newTokens);

        var sequence = prompt.ToList();
        for (var step = 0; step < newTokens; step++)
        {
            var logits = HfLlamaReference.CausalLogits(model, [sequence.ToArray()], null, out var shape);
            var last = At(logits, shape, 0, sequence.Count - 1);
            sequence.Add(Array.IndexOf(last, last.Max()));
        }
        Assert.Equal(sequence.Skip(prompt.Length).ToArray(), generated);
        Assert.Empty(HfLlamaReference.GreedyGenerate(model, prompt, 0));
    }

    [Fact]
    public void ClassificationPoolsTheRightmostNonPadTokenThroughScore()
    {
        const int labels = 3;
        var checkpoint = TinyLlamaCheckpoint.CreateRandom(seed: 9, classificationLabels: labels);
        var model = Write(checkpoint, "m");
        long[][] ids = [[5, 6, 7, 0, 0], [0, 0, 5, 6, 7], [1, 2, 3, 4, 5], [5, 0, 6, 0, 0]];
        long[][] mask = [[1, 1, 1, 0, 0], [0, 0, 1, 1, 1], [1, 1, 1, 1, 1], [1, 0, 1, 0, 0]];
        long[][] positions = [[0, 1, 2, 3, 4], [1, 1, 0, 1, 2], [0, 1, 2, 3, 4], [0, 1, 1, 2, 3]];

        var output = HfLlamaReference.Forward(model, ids, mask, positions, HfLlamaHead.Classification, includeHidden: true);

        Assert.Equal(new long[] { 4, labels }, output.LogitsShape);
        Assert.Equal(new long[] { 2, 4, 4, 2 }, output.PooledTokenIndex);
        Assert.Equal(new long[] { 4, 5, checkpoint.Hidden }, output.HiddenShape);
        var score = checkpoint["score.weight"];
        for (var row = 0; row < ids.Length; row++)
        {
            var hidden = At(output.Hidden!, output.HiddenShape!, row, (int)output.PooledTokenIndex![row]);
            var expected = new float[labels];
            for (var label = 0; label < labels; label++)
            {
                double sum = 0;
                for (var j = 0; j < checkpoint.Hidden; j++)
                    sum += (double)score[label * checkpoint.Hidden + j] * hidden[j];
                expected[label] = (float)sum;
            }
            Close(expected, output.Logits.AsSpan(row * labels, labels).ToArray(), 1e-5, $"row {row} score @ hidden");
        }
        // Same real tokens, same positions: right and left padding classify identically.
        Close(output.Logits.AsSpan(0, labels).ToArray(), output.Logits.AsSpan(labels, labels).ToArray(), 1e-5, "left vs right padding");

        var viaShortcut = HfLlamaReference.ClassificationLogits(model, [[1, 2, 3, 4, 5]], null, out var shortcutShape);
        Assert.Equal(new long[] { 1, labels }, shortcutShape);
        Close(output.Logits.AsSpan(2 * labels, labels).ToArray(), viaShortcut, SameTolerance, "ClassificationLogits");
    }

    [Fact]
    public void ClassificationWithoutPadTokenTakesTheLastTokenAndNeedsBatchOfOne()
    {
        var checkpoint = TinyLlamaCheckpoint.CreateRandom(seed: 10, classificationLabels: 2);
        checkpoint.Config["pad_token_id"] = null;
        var model = Write(checkpoint, "m");

        var single = HfLlamaReference.Forward(model, [[0, 3, 0]], head: HfLlamaHead.Classification);
        Assert.Equal(new long[] { 2 }, single.PooledTokenIndex);

        var error = Assert.Throws<TtLoraException>(() =>
            HfLlamaReference.ClassificationLogits(model, [[1, 2], [3, 4]], null, out _));
        Assert.Contains("pad_token_id is not set", error.Message);
    }

    [Theory]
    [InlineData("F16", 1)]
    [InlineData("BF16", 1)]
    [InlineData("F32", 3)]
    [InlineData("BF16", 2)]
    public void HalfPrecisionAndShardedFilesLoadTheSameValues(string dtype, int shards)
    {
        var checkpoint = TinyLlamaCheckpoint.CreateRandom(seed: 11).RoundedTo(dtype);
        long[][] ids = [[2, 4, 6, 8]];

        var expected = HfLlamaReference.CausalLogits(Write(checkpoint, "f32"), ids, null, out _);
        var actual = HfLlamaReference.CausalLogits(Write(checkpoint, "other", dtype, shards), ids, null, out _);

        Close(expected, actual, SameTolerance, $"{dtype} in {shards} shard(s) vs F32");
    }

    [Fact]
    public void CheckpointWithoutModelPrefixLoadsTheSameWeights()
    {
        var prefixed = TinyLlamaCheckpoint.CreateRandom(seed: 12);
        var bare = prefixed.Clone();
        foreach (var name in bare.Tensors.Keys.Where(n => n.StartsWith("model.")).ToList())
        {
            bare.Tensors[name["model.".Length..]] = bare.Tensors[name];
            bare.Tensors.Remove(name);
        }
        long[][] ids = [[1, 2, 3]];

        Close(HfLlamaReference.CausalLogits(Write(prefixed, "prefixed"), ids, null, out _),
              HfLlamaReference.CausalLogits(Write(bare, "bare"), ids, null, out _), SameTolerance, "bare key names");
    }

    [Theory]
    [InlineData("no-weights", "neither model.safetensors nor model.safetensors.index.json exists")]
    [InlineData("token-out-of-vocab", "input_ids[0][1] = 13 is outside the vocabulary [0, 13)")]
    [InlineData("unsupported-rope", "rope_scaling type 'yarn' is not supported")]
    [InlineData("missing-tensor", "tensor 'model.layers.1.mlp.up_proj.weight' is missing")]
    [InlineData("wrong-shape", "tensor 'model.layers.0.self_attn.k_proj.weight' has shape [8, 8], expected [4, 8]")]
    [InlineData("no-score", "'score.weight' is missing")]
    [InlineData("ragged-mask", "'attention_mask' has shape [1, 2], expected [1, 3]")]
    public void BadInputsFailWithOneClearLine(string problem, string expectedMessage)
    {
        var checkpoint = TinyLlamaCheckpoint.CreateRandom(seed: 13);
        long[][] ids = [[1, 2, 3]];
        long[][]? mask = null;
        var head = HfLlamaHead.Causal;
        switch (problem)
        {
            case "token-out-of-vocab": ids = [[1, 13, 2]]; break;
            case "unsupported-rope":
                checkpoint.Config["rope_scaling"] = new Dictionary<string, object> { ["rope_type"] = "yarn", ["factor"] = 4.0 };
                break;
            case "missing-tensor": checkpoint.Tensors.Remove("model.layers.1.mlp.up_proj.weight"); break;
            case "wrong-shape":
                checkpoint.Tensors["model.layers.0.self_attn.k_proj.weight"] = new TestTensor([8, 8], new float[64]);
                break;
            case "no-score": head = HfLlamaHead.Classification; break;
            case "ragged-mask": mask = [[1, 1]]; break;
        }
        var model = Write(checkpoint, "m");
        if (problem == "no-weights")
            File.Delete(Path.Combine(model, "model.safetensors"));

        var error = Assert.Throws<TtLoraException>(() => HfLlamaReference.Forward(model, ids, mask, head: head));

        Assert.Contains(expectedMessage, error.Message);
        Assert.DoesNotContain("Traceback", error.Message);
    }

    private static Dictionary<string, object> Llama3(double factor, double low, double high, int originalLength) => new()
    {
        ["rope_type"] = "llama3",
        ["factor"] = factor,
        ["low_freq_factor"] = low,
        ["high_freq_factor"] = high,
        ["original_max_position_embeddings"] = originalLength,
    };
}

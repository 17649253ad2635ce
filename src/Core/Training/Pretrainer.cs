using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using TtLora.Core.Models;
using TtLora.Core.Tokenizers;
using static TorchSharp.torch;

namespace TtLora.Core.Training;

/// <summary>
/// Pretrains a small Llama from scratch: learns a byte-level BPE tokenizer on the training documents, packs them
/// (EOS-separated) into one token stream, trains next-token prediction on random windows with AdamW and a cosine
/// schedule, measures validation perplexity on held-out documents, and writes a Hugging Face folder.
/// Deterministic for a seed on a given machine and thread count.
/// </summary>
public static class Pretrainer
{
    public const string ReportFile = "pretrain.json";

    public static PretrainReport Run(IReadOnlyList<string> trainDocuments, IReadOnlyList<string> validationDocuments, string outputDir,
        PretrainOptions options, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        options.Validate();
        if (trainDocuments.Count == 0) throw new TtLoraException("pretrain: no training documents");
        if (validationDocuments.Count == 0) throw new TtLoraException("pretrain: no validation documents");
        AtomicFolder.EnsureWritable(outputDir, "--out");
        // Claimed before any work: a second pretraining into the same folder is refused now.
        using var claim = FolderClaim.Acquire(outputDir, $"model folder {outputDir}");
        var clock = Stopwatch.StartNew();
        progress?.Report(new TrainingProgress("tokenizer", 0, options.Steps, 0, double.NaN, null, 0, clock.Elapsed, Message: $"training a {options.VocabSize}-token byte-level BPE"));
        var trainer = new ByteLevelBpeTrainer(options.VocabSize);
        long chars = 0;
        foreach (var doc in trainDocuments)
        {
            if (chars >= options.TokenizerTrainingChars) break;
            trainer.Add(doc);
            chars += doc.Length;
        }
        var tokenizer = trainer.Train();
        var tokenizerTime = clock.Elapsed;
        cancellation.ThrowIfCancellationRequested();

        int eos = tokenizer.TokenToId(ByteLevelBpeTrainer.EosToken)!.Value;
        int bos = tokenizer.BosId!.Value;
        int pad = tokenizer.TokenToId(ByteLevelBpeTrainer.PadToken)!.Value;
        var trainStream = Pack(tokenizer, trainDocuments, eos);
        var validStream = Pack(tokenizer, validationDocuments, eos);
        int window = options.SequenceLength + 1;
        if (trainStream.Length < window * 2 || validStream.Length < window)
            throw new TtLoraException($"pretrain: too little text ({trainStream.Length} training / {validStream.Length} validation tokens) for windows of {window}");

        var config = options.Architecture with
        {
            VocabSize = tokenizer.VocabSize, BosTokenId = bos, EosTokenIds = [eos], PadTokenId = pad,
            MaxPositionEmbeddings = Math.Max(options.Architecture.MaxPositionEmbeddings, options.SequenceLength),
        };
        torch.manual_seed(options.Seed);
        using var model = new LlamaForCausalLM(config.Validated("pretrain architecture"));
        LlamaInitializer.Initialize(model, options.Seed);
        long parameters = model.parameters().Sum(p => p.numel());

        var decay = model.named_parameters().Where(p => p.parameter.dim() >= 2).Select(p => p.parameter).ToList();
        var noDecay = model.named_parameters().Where(p => p.parameter.dim() < 2).Select(p => p.parameter).ToList();
        using var optimizer = optim.AdamW(
            [new TorchSharp.Modules.AdamW.ParamGroup(decay, weight_decay: options.WeightDecay), new TorchSharp.Modules.AdamW.ParamGroup(noDecay, weight_decay: 0)],
            lr: options.LearningRate, beta1: 0.9, beta2: 0.95);
        var schedule = new LearningRateSchedule(options.LearningRate, options.WarmupSteps, options.Steps);
        var random = new Random((int)options.Seed);
        var trainClock = Stopwatch.StartNew();
        double smoothed = double.NaN;
        long tokens = 0;
        double validationLoss = double.NaN;
        model.train();
        for (int step = 0; step < options.Steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            LearningRateSchedule.Apply(optimizer, schedule.At(step));
            using (var scope = NewDisposeScope())
            {
                var batch = SampleWindows(trainStream, options.BatchSize, window, random);
                var loss = NextTokenLoss(model, batch);
                optimizer.zero_grad();
                loss.backward();
                nn.utils.clip_grad_norm_(model.parameters(), options.GradientClip);
                optimizer.step();
                double value = loss.item<float>();
                smoothed = double.IsNaN(smoothed) ? value : 0.95 * smoothed + 0.05 * value;
            }
            tokens += (long)options.BatchSize * options.SequenceLength;
            bool evaluate = (step + 1) % options.EvaluateEvery == 0 || step + 1 == options.Steps;
            if (evaluate) validationLoss = Evaluate(model, validStream, options, window);
            progress?.Report(new TrainingProgress("pretrain", step + 1, options.Steps, 0, smoothed, null,
                tokens / trainClock.Elapsed.TotalSeconds, trainClock.Elapsed, evaluate ? validationLoss : null));
        }
        model.eval();
        var trainingTime = trainClock.Elapsed;

        // Written whole into a staging folder and swapped in, so an interrupted run never leaves a half-written model.
        string full = Path.GetFullPath(outputDir);
        var report = new PretrainReport(full, parameters, tokenizer.VocabSize, options.Steps, tokens, smoothed, validationLoss,
            tokenizerTime, trainingTime, tokens / trainingTime.TotalSeconds);
        claim.Write(staging =>
        {
            LlamaCheckpoint.Save(model, staging);
            tokenizer.Save(Path.Combine(staging, "tokenizer.json"));
            var json = report.ToJson();
            json["options"] = options.ToJson();
            AtomicFile.WriteAllText(Path.Combine(staging, ReportFile), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        });
        return report;
    }

    /// <summary>Reads the report of an earlier run, or null when the folder holds no complete pretrained model.</summary>
    public static PretrainReport? TryReadReport(string dir)
    {
        string path = Path.Combine(dir, ReportFile);
        if (!File.Exists(path) || !File.Exists(Path.Combine(dir, "tokenizer.json"))) return null;
        try
        {
            return PretrainReport.FromJson(StrictJson.Parse(File.ReadAllText(path)) ?? throw new FormatException("the file holds null"), reused: true);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NullReferenceException)
        {
            throw TtLoraException.InFile(path, $"not a valid pretraining report ({e.Message}); rerun pretrain with --force");
        }
    }

    static int[] Pack(HfTokenizer tokenizer, IReadOnlyList<string> documents, int eos)
    {
        var stream = new List<int>();
        foreach (var doc in documents)
        {
            stream.AddRange(tokenizer.Encode(doc, addSpecialTokens: false).Ids);
            stream.Add(eos);
        }
        return stream.ToArray();
    }

    static Tensor SampleWindows(int[] stream, int batch, int window, Random random)
    {
        var data = new long[batch * window];
        for (int b = 0; b < batch; b++)
        {
            int start = random.Next(0, stream.Length - window);
            for (int t = 0; t < window; t++) data[b * window + t] = stream[start + t];
        }
        return torch.tensor(data, [batch, window]);
    }

    static Tensor NextTokenLoss(LlamaForCausalLM model, Tensor batch)
    {
        long length = batch.shape[1] - 1;
        var logits = model.Forward(batch.narrow(1, 0, length));
        var targets = batch.narrow(1, 1, length);
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[2]), targets.reshape(-1));
    }

    /// <summary>Mean next-token loss over fixed, evenly spaced validation windows (the same windows every time).</summary>
    static double Evaluate(LlamaForCausalLM model, int[] stream, PretrainOptions options, int window)
    {
        model.eval();
        using var noGrad = torch.no_grad();
        int count = Math.Min(options.ValidationBatches * options.BatchSize, stream.Length / window);
        double total = 0;
        int done = 0;
        for (int start = 0; start < count; start += options.BatchSize)
        {
            int n = Math.Min(options.BatchSize, count - start);
            using var scope = NewDisposeScope();
            var data = new long[n * window];
            for (int b = 0; b < n; b++)
                for (int t = 0; t < window; t++) data[b * window + t] = stream[(start + b) * window + t];
            total += NextTokenLoss(model, torch.tensor(data, [n, window])).item<float>() * n;
            done += n;
        }
        model.train();
        return total / done;
    }
}
